import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { unsupported } from './layer.ts';
import { consumersOf } from './model-graph.ts';

/** The ONNX graph input of a conditional model's class indices: int64 [N], one class id per sample. */
export const CLASS_INPUT = 'class';

/** A conditional model's class input: the tfjs tensor (int32 [N, 1]) and how many classes its Embedding has. */
export interface ClassInput {
  readonly tensor: tfl.SymbolicTensor;
  readonly numClasses: number;
}

/** The inputs of a model the exporter can write: one float input (z, or a D's image), maybe a class input. */
export interface ModelInputs {
  readonly main: tfl.SymbolicTensor;
  readonly classInput?: ClassInput;
}

function isClassTensor(t: tfl.SymbolicTensor): boolean {
  return t.dtype === 'int32' && t.shape.length === 2 && t.shape[1] === 1;
}

/** The class count of the Embedding(s) reading the class input; anything else reading it cannot be exported. */
function numClasses(model: tfl.LayersModel, tensor: tfl.SymbolicTensor): number {
  const readers = consumersOf(model, tensor);
  const counts = new Set<unknown>();
  for (const layer of readers) {
    const named = { name: layer.name, className: layer.getClassName() };
    if (named.className !== 'Embedding') {
      throw unsupported(named, `reads the class input '${tensor.sourceLayer.name}' (only an Embedding can)`);
    }
    counts.add((layer.getConfig() as { inputDim?: unknown }).inputDim);
  }
  const [count] = counts;
  if (counts.size !== 1 || typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new GanforgeError(
      'export_unsupported',
      `model '${model.name}': the class input '${tensor.sourceLayer.name}' must feed Embeddings of one class count (${
        readers.length === 0 ? 'it feeds nothing' : `inputDim ${[...counts].map(String).join(', ')}`
      })`,
    );
  }
  return count;
}

/**
 * Sorts the model's inputs: exactly one float32 input (a generator's z, a discriminator's image), and at most
 * one class input (int32 [N, 1], read only by Embeddings, which give its class count). Throws
 * export_unsupported for any other set of inputs.
 */
export function modelInputs(model: tfl.LayersModel): ModelInputs {
  const floats = model.inputs.filter((t) => t.dtype === 'float32');
  const classes = model.inputs.filter(isClassTensor);
  const main = floats[0];
  if (
    !main ||
    floats.length !== 1 ||
    classes.length > 1 ||
    floats.length + classes.length !== model.inputs.length
  ) {
    const described = model.inputs.map(
      (t) => `'${t.sourceLayer.name}' ${t.dtype} [${t.shape.map((d) => d ?? 'N').join(', ')}]`,
    );
    throw new GanforgeError(
      'export_unsupported',
      `model '${model.name}' has inputs ${described.join(', ')}; only one float32 input (the latent or the image) and at most one class input (int32 [N, 1]) can be exported`,
    );
  }
  const tensor = classes[0];
  return tensor ? { main, classInput: { tensor, numClasses: numClasses(model, tensor) } } : { main };
}

/** The class count of a conditional model (its class input's Embedding), or undefined for an unconditional one. */
export function classCount(model: tfl.LayersModel): number | undefined {
  return modelInputs(model).classInput?.numClasses;
}
