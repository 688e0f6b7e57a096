import type * as tfl from '@tensorflow/tfjs-layers';
import { basename } from 'node:path';
import { GanforgeError, createRng, sampleLatents } from '@ganforge/core';
import type { ModelCard } from '@ganforge/core';
import type { ModelProvenance, Network } from './card/build-card.ts';
import { CARD_METADATA_KEY, GANFORGE_VERSION, buildCard } from './card/build-card.ts';
import type { Opset } from './convert/to-onnx.ts';
import { IR_VERSION, convertToOnnx } from './convert/to-onnx.ts';
import { encodeModel } from './onnx/proto.ts';
import type { ParityReport } from './parity/check.ts';
import { DEFAULT_TOLERANCE, checkParity } from './parity/check.ts';
import type { RuntimeName } from './parity/runtimes.ts';
import { prepareModelDir, writeModelDir } from './write/atomic-model-dir.ts';

/** Graph input/output names by network: G maps 'latent' -> 'image', D maps 'image' -> 'logit'. */
export const IO_NAMES: Readonly<Record<Network, { input: string; output: string }>> = {
  generator: { input: 'latent', output: 'image' },
  discriminator: { input: 'image', output: 'logit' },
};

export interface ExportSettings {
  /** models/<name>: where model.onnx and card.json go. */
  readonly out: string;
  /** The card's name; defaults to the out directory's name. */
  readonly name?: string;
  readonly opset?: Opset;
  /** Run the parity check (default true). */
  readonly check?: boolean;
  readonly tolerance?: number;
  /** Inputs compared in the parity check (default 8). */
  readonly parityBatch?: number;
  readonly paritySeed?: number;
  readonly runtimes?: readonly RuntimeName[];
  readonly force?: boolean;
  readonly createdAt?: Date;
}

export interface LoadedNetwork {
  readonly model: tfl.LayersModel;
  readonly network: Network;
  readonly provenance: ModelProvenance;
}

export interface ExportResult {
  readonly dir: string;
  readonly card: ModelCard;
  readonly parity: ParityReport | undefined;
  readonly bytes: number;
}

/**
 * The parity input: latents from the run's prior for a generator (core's sampleLatents, so the same seed gives the
 * same z as serving does), images uniform in [-1, 1] for a discriminator.
 */
export function parityInput(
  loaded: LoadedNetwork,
  inputShape: readonly number[],
  batch: number,
  seed: number,
): Float32Array {
  if (loaded.network === 'generator') {
    return sampleLatents({
      seed,
      n: batch,
      latentDim: inputShape[0] ?? 0,
      distribution: loaded.provenance.latent.distribution,
    });
  }
  const rng = createRng(seed);
  const size = batch * inputShape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => 2 * rng.nextFloat() - 1);
}

/**
 * Converts a loaded network to ONNX, checks parity in onnxruntime-node and -web, builds the card and writes
 * model.onnx + card.json atomically. Every check happens before anything is written; on any error nothing is.
 */
export async function exportNetwork(loaded: LoadedNetwork, settings: ExportSettings): Promise<ExportResult> {
  const force = settings.force ?? false;
  await prepareModelDir(settings.out, force);
  const io = IO_NAMES[loaded.network];
  const opset = settings.opset ?? 13;
  const converted = convertToOnnx(loaded.model, {
    opset,
    inputName: io.input,
    outputName: io.output,
    producerVersion: GANFORGE_VERSION,
  });
  if (loaded.network === 'generator' && converted.inputShape.length !== 1) {
    throw new GanforgeError(
      'export_unsupported',
      `generator input must be [N, latentDim], got [N, ${converted.inputShape.join(', ')}]`,
    );
  }
  const imageShape = loaded.network === 'generator' ? converted.outputShape : converted.inputShape;
  if (imageShape.length !== 3) {
    throw new GanforgeError(
      'export_unsupported',
      `${loaded.network} image must be [N, H, W, C], got [N, ${imageShape.join(', ')}]`,
    );
  }
  if (loaded.network === 'generator' && converted.inputShape[0] !== loaded.provenance.latent.size) {
    throw new GanforgeError(
      'export_mismatch',
      `generator input size ${converted.inputShape[0]} differs from the run's latent size ${loaded.provenance.latent.size}`,
    );
  }
  let parity: ParityReport | undefined;
  if (settings.check ?? true) {
    const batch = settings.parityBatch ?? 8;
    parity = await checkParity({
      model: loaded.model,
      onnx: encodeModel(converted.model),
      inputName: io.input,
      outputName: io.output,
      input: parityInput(loaded, converted.inputShape, batch, settings.paritySeed ?? 0),
      inputShape: converted.inputShape,
      batch,
      tolerance: settings.tolerance ?? DEFAULT_TOLERANCE,
      ...(settings.runtimes ? { runtimes: settings.runtimes } : {}),
    });
  }
  const card = buildCard({
    name: settings.name ?? basename(settings.out),
    network: loaded.network,
    provenance: loaded.provenance,
    imageShape,
    onnx: { opset, irVersion: IR_VERSION, inputName: io.input, outputName: io.output },
    ...(parity ? { parity } : {}),
    ...(settings.createdAt ? { createdAt: settings.createdAt } : {}),
  });
  const cardJson = `${JSON.stringify(card, null, 2)}\n`;
  const bytes = encodeModel({
    ...converted.model,
    metadataProps: [{ key: CARD_METADATA_KEY, value: JSON.stringify(card) }],
  });
  const dir = await writeModelDir(settings.out, { model: bytes, card: cardJson }, force);
  return { dir, card, parity, bytes: bytes.length };
}
