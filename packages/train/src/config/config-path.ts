import type { TrainConfig } from './schema.ts';

/** Dotted paths into an object type: every key, and every key path below it (not into arrays). */
export type PathOf<T> = T extends readonly unknown[]
  ? never
  : T extends object
    ? { [K in keyof T & string]: K | `${K}.${PathOf<T[K]>}` }[keyof T & string]
    : never;

/** The type at a dotted path of T (over each member of a union, such as the model kinds). */
export type ValueAtPath<T, P extends string> = T extends unknown
  ? P extends `${infer K}.${infer Rest}`
    ? K extends keyof T
      ? ValueAtPath<T[K], Rest>
      : never
    : P extends keyof T
      ? T[P]
      : never
  : never;

/**
 * A field of the training config as `--set` writes it, e.g. 'techniques.instanceNoise.enabled':
 * a misspelt one does not compile.
 */
export type ConfigPath = PathOf<TrainConfig>;

/** The config paths whose value is a V (e.g. ConfigPathTo<boolean>: the switches). */
export type ConfigPathTo<V> = {
  [P in ConfigPath]: [ValueAtPath<TrainConfig, P>] extends [V] ? P : never;
}[ConfigPath];
