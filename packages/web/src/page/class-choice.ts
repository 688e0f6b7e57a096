/**
 * The sampler page's class picker for a class-conditional model: "all classes" (one row per class) or one
 * class, as <gan-sampler> attributes. Pure, so it is tested without a DOM.
 */
import { MAX_SAMPLES } from '../browser/attributes.ts';

/** The picker's value for one row per class; a single class's value is its index. */
export const ALL_CLASSES = 'all';

/**
 * The picker's options: all classes first (the default; not offered when one row per class would be more
 * than MAX_SAMPLES images), then each class by name.
 */
export function classOptions(classes: readonly string[]): { value: string; text: string }[] {
  const all =
    classes.length <= MAX_SAMPLES ? [{ value: ALL_CLASSES, text: 'all classes (one row per class)' }] : [];
  return [
    ...all,
    ...classes.map((name, i) => ({ value: String(i), text: name === String(i) ? name : `${i}: ${name}` })),
  ];
}

/** What the grid draws for the picker's value and the page's sample count. */
export interface GridClassAttributes {
  /** The class name (unambiguous, unlike an index, when names are digits); undefined: none. */
  readonly label: string | undefined;
  readonly layout: 'per-class' | undefined;
  /** The class index, for the single-sample and interpolation views; undefined: all classes. */
  readonly index: number | undefined;
  /** n for the grid: per-class draws n latents per class, at most MAX_SAMPLES images in all. */
  readonly n: number;
}

export function gridClassAttributes(
  classes: readonly string[] | undefined,
  value: string,
  n: number,
): GridClassAttributes {
  if (classes === undefined) return { label: undefined, layout: undefined, index: undefined, n };
  const index = Number(value);
  if (value !== ALL_CLASSES && Number.isInteger(index) && classes[index] !== undefined) {
    return { label: classes[index], layout: undefined, index, n };
  }
  const most = Math.max(1, Math.floor(MAX_SAMPLES / classes.length));
  return { label: undefined, layout: 'per-class', index: undefined, n: Math.min(n, most) };
}
