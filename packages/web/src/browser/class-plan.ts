/**
 * Class-conditional sampling: which class each sample of a request is drawn as, checked against the
 * model's card before anything runs (onnxruntime would fail on an id past the end and wrap a negative one).
 *
 * - An unconditional model (no `conditioning` in its card) takes no class: a `label`, per-sample labels or
 *   `layout="per-class"` is an error.
 * - A conditional model with `layout="grid"` (the default): every sample is drawn as `label` when it is
 *   set, as the per-sample labels when a request passes them (one per sample), else the classes cycle
 *   0, 1, ..., K-1, 0, ... across the samples, so a grid shows every class (as the exporter's parity check
 *   and the training grids do).
 * - `layout="per-class"`: one row per class, class r in row r; the request's latents are the columns, the
 *   same latent down each column (column j is latent j in every row), as the training run's sample grids.
 *
 * A label is a class index (a JS number, or a string of a whole number) or a class name as written in
 * the card. A string names the class first: `label="3"` is the class named "3" when there is one (MNIST's
 * names are their indices), else class index 3.
 */
import { classIdOf, GanforgeError } from '@ganforge/core';
import type { SamplerLayout } from './attributes.ts';

/** A class: its index (class id) or its name. */
export type ClassLabel = number | string;

/** What planBatch needs to know about the request. */
export interface BatchRequest {
  /** The model as written in `model`, for messages. */
  readonly model: string;
  /** The model's class names (index = class id); undefined for an unconditional model. */
  readonly classes: readonly string[] | undefined;
  readonly label: string | undefined;
  readonly layout: SamplerLayout;
  /** Per-sample labels passed to sample() or setLatents(); undefined when none. */
  readonly labels: readonly ClassLabel[] | undefined;
  /** The request's latents: `count` rows of latentDim. */
  readonly z: Float32Array;
  readonly count: number;
  /** The `columns` setting (a plain grid's column count). */
  readonly columns: number | undefined;
  /** The most images a per-class grid of seeded latents may hold. */
  readonly maxSamples?: number;
  /** How the latents were asked for, for messages: 'n' (seeded) or 'setLatents'. */
  readonly source: 'n' | 'setLatents';
}

/** The batch the generator runs for a request, and how it is tiled. */
export interface BatchPlan {
  /** Latents of every image in the batch, row-major (per-class: the columns repeated once per class). */
  readonly z: Float32Array;
  readonly n: number;
  /** Class id of each image; null for an unconditional model. */
  readonly classes: readonly number[] | null;
  /** Grid columns (per-class: the latent count). */
  readonly columns: number | undefined;
}

const LISTED = 20;

/** "0 “0”, 1 “1”, ..." for messages: the first LISTED classes, then how many there are. */
export function describeClasses(classes: readonly string[]): string {
  const shown = classes.slice(0, LISTED).map((name, i) => `${i} “${name}”`);
  const more = classes.length > LISTED ? `, … (${classes.length} classes)` : '';
  return `${shown.join(', ')}${more}`;
}

/** A label -> its class id (@ganforge/core classIdOf); GanforgeError `unknown_class` naming the valid classes when there is none. */
export function resolveLabel(label: ClassLabel, classes: readonly string[], model: string): number {
  const id = classIdOf(classes, label);
  if (id !== undefined) return id;
  const shown = typeof label === 'string' ? `“${label}”` : String(label);
  throw new GanforgeError(
    'unknown_class',
    `${shown} is not a class of model “${model}”: its classes are ${describeClasses(classes)}`,
    { hint: `use a class index from 0 to ${classes.length - 1} or one of the class names`, status: 400 },
  );
}

function notConditional(what: string, model: string): GanforgeError {
  return new GanforgeError('not_conditional', `${what}, but model “${model}” is not class-conditional`, {
    hint: 'a class applies only to a model whose card has a conditioning section; remove it for this model',
    status: 400,
  });
}

/** Checks the request's classes against the model and lays out its batch; throws GanforgeError. */
export function planBatch(r: BatchRequest): BatchPlan {
  const { classes, label, labels, model, z, count } = r;
  const perClass = r.layout === 'per-class';
  if (classes === undefined) {
    if (label !== undefined) throw notConditional(`label="${label}" asks for a class`, model);
    if (labels !== undefined) throw notConditional(`${labels.length} labels were passed`, model);
    if (perClass) throw notConditional('layout="per-class" draws one row per class', model);
    return { z, n: count, classes: null, columns: r.columns };
  }
  if (perClass) {
    if (label !== undefined || labels !== undefined) {
      throw new GanforgeError(
        'bad_attribute',
        `layout="per-class" draws every class, so ${label !== undefined ? `label="${label}"` : 'per-sample labels'} cannot apply`,
        { hint: 'remove the label (or the labels passed), or set layout="grid" to draw one class' },
      );
    }
    const k = classes.length;
    if (r.maxSamples !== undefined && k * count > r.maxSamples) {
      throw new GanforgeError(
        'bad_attribute',
        `layout="per-class" draws ${k} classes x ${count} latents = ${k * count} samples, more than ${r.maxSamples}`,
        {
          hint: `set n to at most ${Math.max(1, Math.floor(r.maxSamples / k))} for this model's ${k} classes`,
        },
      );
    }
    const batch = new Float32Array(k * z.length);
    for (let row = 0; row < k; row++) batch.set(z, row * z.length);
    const ids = Array.from({ length: k * count }, (_, i) => Math.floor(i / count));
    return { z: batch, n: k * count, classes: ids, columns: count };
  }
  let ids: number[];
  if (labels !== undefined) {
    if (labels.length !== count) {
      throw new GanforgeError(
        'bad_labels',
        `${labels.length} labels were passed for ${count} samples (${r.source === 'n' ? `n="${count}"` : 'setLatents'})`,
        { hint: `pass one class per sample (${count}), or none; classes: ${describeClasses(classes)}` },
      );
    }
    ids = labels.map((l) => resolveLabel(l, classes, model));
  } else if (label !== undefined) {
    ids = new Array<number>(count).fill(resolveLabel(label, classes, model));
  } else {
    ids = Array.from({ length: count }, (_, i) => i % classes.length);
  }
  return { z, n: count, classes: ids, columns: r.columns };
}
