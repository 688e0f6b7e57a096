import * as tfl from '@tensorflow/tfjs-layers';
import { G_CLASS_EMBEDDING, spectralNormalization } from '@ganforge/runs';
import type { ClassConditioning } from './conditioning-config.ts';
import { kernelInit, layerSeeds } from './init.ts';

/**
 * The layers that make G and D class-conditional (docs/techniques.md#class-conditioning), all standard
 * tfjs layers (Embedding, Flatten, Multiply/Concatenate, Dot, Add, Dense) so the exporter can convert them.
 * The class enters as a second input `[N, 1]` int32 named CLASS_INPUT, after z (G) or the image (D).
 */

/** Name of the class input of a conditional G (after z) or a projection D (after the image). */
export const CLASS_INPUT = 'class';
/** The Embedding reading G's class: its name is the run format's (@ganforge/runs reads a G's class count from it). */
export { G_CLASS_EMBEDDING };
export const G_CLASS_FLATTEN = 'g_class_flatten';
export const G_CONDITION = 'g_condition';
export const D_CLASS_EMBEDDING = 'd_class_embedding';
export const D_CLASS_FLATTEN = 'd_class_flatten';
export const D_PROJECTION = 'd_projection';
/** The output of a projection D: psi(h) + <embed(y), h>. */
export const D_PROJECTED_LOGIT = 'd_logit_projected';
/** The second output of an auxiliary-classifier D: one logit per class. */
export const D_CLASS_LOGITS = 'd_class_logits';

/** The class layers draw their own seeded streams, so G's and D's other weights are those of the same seed unconditioned. */
const CLASS_SEED_SALT = 0x3c6ef372;

type SymbolicTensor = tfl.SymbolicTensor;

function apply(layer: tfl.layers.Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

function classInput(): SymbolicTensor {
  return tfl.input({ shape: [1], dtype: 'int32', name: CLASS_INPUT });
}

/** embed(y) as [N, dim]: Embedding (a [numClasses, dim] table, layer `names[0]`) then Flatten (`names[1]`). */
function classEmbedding(
  y: SymbolicTensor,
  numClasses: number,
  dim: number,
  names: readonly [string, string],
  initializer: ReturnType<typeof kernelInit>,
): SymbolicTensor {
  const [embedding, flatten] = names;
  const e = apply(
    tfl.layers.embedding({
      inputDim: numClasses,
      outputDim: dim,
      name: embedding,
      embeddingsInitializer: initializer,
    }),
    y,
  );
  return apply(tfl.layers.flatten({ name: flatten }), e);
}

/**
 * G's conditioned latent: z ⊙ embed(y) ('multiply', embedding of size latentDim) or [z, embed(y)]
 * ('concat', embedding of size embeddingDim). G's embedding starts N(0, 1) (as PyTorch's nn.Embedding),
 * so z ⊙ embed(y) keeps z's scale; seeded.
 */
export function conditionLatent(
  conditioning: ClassConditioning,
  latentDim: number,
  z: SymbolicTensor,
  seed: number,
): { classInput: SymbolicTensor; latent: SymbolicTensor } {
  const { config, numClasses } = conditioning;
  const nextSeed = layerSeeds(seed ^ CLASS_SEED_SALT);
  const y = classInput();
  const dim = config.generator === 'multiply' ? latentDim : config.embeddingDim;
  const init = tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: nextSeed() });
  const e = classEmbedding(y, numClasses, dim, [G_CLASS_EMBEDDING, G_CLASS_FLATTEN], init);
  const join =
    config.generator === 'multiply'
      ? tfl.layers.multiply({ name: G_CONDITION })
      : tfl.layers.concatenate({ name: G_CONDITION });
  return { classInput: y, latent: apply(join, [z, e]) };
}

/** A conditional D's extra inputs (after the image) and its outputs. */
export interface ConditionalHead {
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
}

/**
 * D's class-conditional head on its final features h (the input of the logit layer psi) and its logit:
 * - projection (Miyato & Koyama 2018): output psi(h) + <embed(y), h>, with embed(y) of size dim(h) N(0, 0.02);
 * - auxiliary (Odena et al. 2017): outputs [psi(h), Dense(numClasses)(h)], the class logits spectrally
 *   normalized when D is.
 */
export function conditionalHead(
  conditioning: ClassConditioning,
  h: SymbolicTensor,
  logit: SymbolicTensor,
  spectralNorm: boolean,
  seed: number,
): ConditionalHead {
  const { config, numClasses } = conditioning;
  const nextSeed = layerSeeds(seed ^ CLASS_SEED_SALT);
  if (config.discriminator === 'auxiliary') {
    const dense = tfl.layers.dense({
      name: spectralNorm ? `${D_CLASS_LOGITS}_inner` : D_CLASS_LOGITS,
      units: numClasses,
      kernelInitializer: kernelInit(nextSeed()),
    });
    const layer = spectralNorm ? spectralNormalization(dense, { name: D_CLASS_LOGITS, seed: nextSeed() }) : dense;
    return { inputs: [], outputs: [logit, apply(layer, h)] };
  }
  const hDim = h.shape[h.shape.length - 1];
  if (typeof hDim !== 'number') throw new Error(`internal: D's features have no fixed size (${String(hDim)})`);
  const y = classInput();
  const e = classEmbedding(y, numClasses, hDim, [D_CLASS_EMBEDDING, D_CLASS_FLATTEN], kernelInit(nextSeed()));
  const projection = apply(tfl.layers.dot({ axes: 1, name: D_PROJECTION }), [e, h]);
  return { inputs: [y], outputs: [apply(tfl.layers.add({ name: D_PROJECTED_LOGIT }), [logit, projection])] };
}
