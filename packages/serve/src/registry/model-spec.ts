import { GanforgeError, type LatentDistribution, type ModelCard } from '@ganforge/core';
import type { LoadedSession } from '../engine/worker-pool.ts';

/** What serving needs to know about a generator: its card's facts checked against the session. */
export interface ModelSpec {
  readonly latentDim: number;
  readonly distribution: LatentDistribution;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly inputName: string;
  readonly outputName: string;
  /** A class-conditional model's class input and class names (its card's `conditioning`); absent otherwise. */
  readonly conditioning?: ClassConditioning;
}

/** The second input of a class-conditional generator: int64 [N] class ids, each in [0, classes.length). */
export interface ClassConditioning {
  readonly inputName: string;
  /** The class names; a class's index is its id. */
  readonly classes: readonly string[];
}

/**
 * Reads the latent size/distribution and output shape from the card and checks them against the
 * ONNX graph (input 'latent' [N, latentDim], output 'image' [N, H, W, C]).
 */
export function specFromCard(card: ModelCard, session: LoadedSession): ModelSpec {
  const facts = cardFacts(card);
  const { inputName, outputName } = card.onnx;
  if (!session.inputNames.includes(inputName) || !session.outputNames.includes(outputName)) {
    throw new GanforgeError(
      'model_mismatch',
      `card.json names input '${inputName}' and output '${outputName}' but model.onnx has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
      { hint: 're-export the model so card and graph agree' },
    );
  }
  const inShape = session.inputs.find((i) => i.name === inputName)?.shape ?? [];
  if (inShape.length === 2 && inShape[1]! > 0 && inShape[1] !== facts.latentDim) {
    throw new GanforgeError(
      'model_mismatch',
      `card.json says latent size ${facts.latentDim} but model.onnx input '${inputName}' is [N, ${inShape[1]}]`,
      { hint: 're-export the model so card and graph agree' },
    );
  }
  const outShape = session.outputs.find((o) => o.name === outputName)?.shape ?? [];
  const want = [facts.height, facts.width, facts.channels];
  if (outShape.length === 4 && outShape.slice(1).some((d, i) => d > 0 && d !== want[i])) {
    throw new GanforgeError(
      'model_mismatch',
      `card.json says output [N, ${want.join(', ')}] but model.onnx output '${outputName}' is [N, ${outShape.slice(1).join(', ')}]`,
      { hint: 're-export the model so card and graph agree' },
    );
  }
  const conditioning = card.conditioning;
  if (conditioning && !session.inputNames.includes(conditioning.input)) {
    throw new GanforgeError(
      'model_mismatch',
      `card.json names class input '${conditioning.input}' but model.onnx has inputs [${session.inputNames.join(', ')}]`,
      { hint: 're-export the model so card and graph agree' },
    );
  }
  const extra = session.inputNames.filter((n) => n !== inputName && n !== conditioning?.input);
  if (extra.length > 0) {
    throw new GanforgeError(
      'model_mismatch',
      `model.onnx has input(s) [${extra.join(', ')}] that card.json does not name${conditioning ? '' : ' (a class input needs a conditioning section)'}`,
      { hint: 're-export the model so card and graph agree' },
    );
  }
  return {
    ...facts,
    inputName,
    outputName,
    ...(conditioning
      ? { conditioning: { inputName: conditioning.input, classes: [...conditioning.classes] } }
      : {}),
  };
}

function cardFacts(card: ModelCard): Omit<ModelSpec, 'inputName' | 'outputName'> {
  return {
    latentDim: card.latent.size,
    distribution: card.latent.distribution,
    height: card.output.height,
    width: card.output.width,
    channels: card.output.channels,
  };
}
