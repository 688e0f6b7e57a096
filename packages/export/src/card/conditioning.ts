import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import type { Conditioning } from '@ganforge/core';
import { CLASS_INPUT, classCount } from '../convert/class-input.ts';

/**
 * The card's conditioning section for a model with a class input (undefined for one without): the ONNX class
 * input and a name per class id. The names are the run's (meta.json dataset.classes) when it recorded them,
 * else '0', '1', ... up to the class count of the model's Embedding. Throws export_mismatch when the run names
 * a different number of classes than the model has.
 */
export function conditioningOf(
  model: tfl.LayersModel,
  names?: readonly string[],
  input: string = CLASS_INPUT,
): Conditioning | undefined {
  const numClasses = classCount(model);
  if (numClasses === undefined) return undefined;
  if (names !== undefined && names.length !== numClasses) {
    throw new GanforgeError(
      'export_mismatch',
      `the run names ${names.length} classes (dataset.classes in meta.json) but model '${model.name}' embeds ${numClasses}`,
      { hint: "export a checkpoint of the same run, or fix dataset.classes in the run's meta.json" },
    );
  }
  return { input, classes: names ? [...names] : Array.from({ length: numClasses }, (_, i) => String(i)) };
}
