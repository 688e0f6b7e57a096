import { classIdOf, GanforgeError } from '@ganforge/core';
import type { ClassConditioning } from '../registry/model-spec.ts';
import type { ReadyEntry } from './context.ts';

/**
 * Which class each sample of a class-conditional model is generated as. A request names a class by its
 * index (a number, 0..K-1) or its name (a string, as the card's `conditioning.classes` writes it; a string
 * no class has as its name but that is a decimal integer is read as an index, so `?class=7` works), one
 * for every sample (`class`) or one per sample (`classes`). Without either, sample i is class i mod K: a
 * balanced, deterministic mix. Every check here runs before the request reaches a session (the graph does
 * not clamp an id: see '@ganforge/core' ConditioningSchema); the messages list the model's classes.
 */

/** A class as a request names it: its index or its name. */
export type ClassRef = number | string;

/** Most classes a message lists before it says how many there are in all. */
const LISTED = 32;

/** `0 "T-shirt/top", 1 "Trouser", ...` (the first LISTED, then the count). */
export function classListing(classes: readonly string[]): string {
  const shown = classes.slice(0, LISTED).map((c, i) => `${i} ${JSON.stringify(c)}`);
  return classes.length > LISTED
    ? `${shown.join(', ')}, ... (${classes.length} classes in all)`
    : shown.join(', ');
}

/** `this model's classes are 0 "T-shirt/top", ...`: the end of every class error's message. */
function validClasses(cond: ClassConditioning): string {
  return `this model's classes are ${classListing(cond.classes)}`;
}

function classError(where: string, field: string | undefined, message: string): GanforgeError {
  const e = new GanforgeError('invalid_request', `${where}: ${message}`, { status: 400 });
  return field === undefined ? e : Object.assign(e, { field });
}

/** The field name as the message starts: `body field 'class'`, `query field 'class'`. */
function fieldWhere(where: 'body' | 'query', field: string): string {
  return `${where} field '${field}'`;
}

/** 400: model `e` has no classes, so a request may not name one. */
export function notConditional(e: ReadyEntry, where: string, field?: string): GanforgeError {
  return classError(
    where,
    field,
    `model '${e.name}' is not class-conditional (its card has no conditioning section), so it takes no class`,
  );
}

/** The class id of `ref` (@ganforge/core classIdOf: an index in [0, K), or a name); 400 naming `where` otherwise. */
export function resolveClass(cond: ClassConditioning, ref: unknown, where: string, field?: string): number {
  const id = classIdOf(cond.classes, ref);
  if (id !== undefined) return id;
  const shown =
    typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? JSON.stringify(ref) : undefined;
  throw classError(
    where,
    field,
    shown === undefined
      ? `expected a class index or name: ${validClasses(cond)}`
      : `unknown class ${shown}: ${validClasses(cond)}`,
  );
}

/** The default classes of n samples: sample i is class i mod K. */
export function defaultClasses(n: number, classCount: number): Int32Array {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i % classCount;
  return ids;
}

/** What a request may say about classes: one for all samples, or one per sample. */
export interface ClassRequest {
  readonly class?: ClassRef | undefined;
  readonly classes?: readonly ClassRef[] | undefined;
}

/**
 * The n class ids of a request for model `e` (undefined for an unconditional model, which must not be
 * asked for a class): `class` for every sample, `classes` one each (exactly n), else the default.
 */
export function requestClasses(
  e: ReadyEntry,
  req: ClassRequest,
  n: number,
  where: 'body' | 'query',
): Int32Array | undefined {
  const cond = e.spec.conditioning;
  const field = req.class !== undefined ? 'class' : req.classes !== undefined ? 'classes' : undefined;
  if (!cond) {
    if (field) throw notConditional(e, fieldWhere(where, field), field);
    return undefined;
  }
  if (req.class !== undefined && req.classes !== undefined) {
    throw classError(
      fieldWhere(where, 'classes'),
      'classes',
      `give 'class' (one for every sample) or 'classes' (one per sample), not both; ${validClasses(cond)}`,
    );
  }
  if (req.class !== undefined) {
    const id = resolveClass(cond, req.class, fieldWhere(where, 'class'), 'class');
    return new Int32Array(n).fill(id);
  }
  if (req.classes !== undefined) {
    if (req.classes.length !== n) {
      throw classError(
        fieldWhere(where, 'classes'),
        'classes',
        `${req.classes.length} classes for ${n} samples: give one per sample; ${validClasses(cond)}`,
      );
    }
    return Int32Array.from(req.classes, (c, i) =>
      resolveClass(cond, c, fieldWhere(where, `classes[${i}]`), `classes[${i}]`),
    );
  }
  return defaultClasses(n, cond.classes.length);
}

/**
 * The classes and latents of a per-class grid: row k is class k, its n samples the n latents given, so a
 * column shows one latent as every class.
 */
export function perClassRows(
  latents: Float32Array,
  n: number,
  classCount: number,
): { latents: Float32Array; classes: Int32Array; n: number } {
  const all = new Float32Array(latents.length * classCount);
  const classes = new Int32Array(n * classCount);
  for (let k = 0; k < classCount; k++) {
    all.set(latents, k * latents.length);
    classes.fill(k, k * n, (k + 1) * n);
  }
  return { latents: all, classes, n: n * classCount };
}
