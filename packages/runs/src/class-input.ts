import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';

/** The Embedding layer that reads a class-conditional G's class input (@ganforge/train names it so). */
export const G_CLASS_EMBEDDING = 'g_class_embedding';

/** Where a class-conditional G takes its class (int32 [N, 1]) and how many classes it knows. */
export interface GeneratorClassInput {
  /** Position of the class among the model's inputs (z is the other). */
  readonly index: number;
  /** Its class Embedding's inputDim. */
  readonly numClasses: number;
}

/**
 * A conditional G's class input, or undefined for an unconditional G (z alone); a clear error for a model
 * with inputs a ganforge generator never has (docs/techniques.md#class-conditioning).
 */
export function generatorClassInput(model: tfl.LayersModel): GeneratorClassInput | undefined {
  if (model.inputs.length === 1) return undefined;
  const index = model.inputs.findIndex((t) => t.dtype === 'int32');
  const embedding = model.layers.find((l) => l.name === G_CLASS_EMBEDDING);
  const numClasses = (embedding?.getConfig() as { inputDim?: unknown } | undefined)?.inputDim;
  if (model.inputs.length !== 2 || index < 0 || typeof numClasses !== 'number' || numClasses < 1) {
    throw new GanforgeError(
      'not_a_generator',
      `generator '${model.name}' has ${model.inputs.length} inputs; a ganforge generator takes z alone, or z and an int32 class read by '${G_CLASS_EMBEDDING}'`,
      { hint: 'use a generator made by ganforge train' },
    );
  }
  return { index, numClasses };
}
