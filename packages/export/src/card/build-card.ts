import type { ModelCard } from '@ganforge/core';
import { parseModelCard } from '@ganforge/core';
import type { ParityReport } from '../parity/check.ts';
import pkg from '../../package.json' with { type: 'json' };

/** Metadata key under which the card's JSON is stored in the ONNX model's metadata_props. */
export const CARD_METADATA_KEY = 'ganforge.card';
export const GANFORGE_VERSION: string = pkg.version;

export type Network = 'generator' | 'discriminator';

/** What the run knows about the model (from the run directory / checkpoint), for the card. */
export interface ModelProvenance {
  readonly latent: ModelCard['latent'];
  readonly dataset: ModelCard['dataset'];
  readonly training: ModelCard['training'];
  /** `ganforge eval` of the exported checkpoint, when the run recorded one. */
  readonly evaluation?: ModelCard['evaluation'];
  readonly description?: string;
  /** A class-conditional model's class input and class names (card/conditioning.ts); absent otherwise. */
  readonly conditioning?: ModelCard['conditioning'];
}

export interface CardInput {
  readonly name: string;
  readonly network: Network;
  readonly provenance: ModelProvenance;
  /** The image shape [H, W, C]: the generator's output, or the discriminator's input. */
  readonly imageShape: readonly number[];
  readonly onnx: ModelCard['onnx'];
  readonly parity?: ParityReport;
  readonly createdAt?: Date;
}

/** Builds the model card and validates it with core's schema (throws GanforgeError naming the bad field). */
export function buildCard(input: CardInput): ModelCard {
  const [height, width, channels] = input.imageShape;
  const card = {
    name: input.name,
    ...(input.provenance.description ? { description: input.provenance.description } : {}),
    network: input.network,
    latent: input.provenance.latent,
    ...(input.provenance.conditioning ? { conditioning: input.provenance.conditioning } : {}),
    output: { height, width, channels, valueRange: [-1, 1] },
    dataset: input.provenance.dataset,
    training: input.provenance.training,
    ...(input.provenance.evaluation ? { evaluation: input.provenance.evaluation } : {}),
    ...(input.parity
      ? {
          parity: {
            maxAbsDiff: input.parity.maxAbsDiff,
            tolerance: input.parity.tolerance,
            batch: input.parity.batch,
          },
        }
      : {}),
    onnx: input.onnx,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    ganforgeVersion: GANFORGE_VERSION,
  };
  return parseModelCard(card, 'exported model card');
}
