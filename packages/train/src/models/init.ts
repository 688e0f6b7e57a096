import * as tfl from '@tensorflow/tfjs-layers';

export type Initializer = ReturnType<typeof tfl.initializers.randomNormal>;

/** Standard deviation of the DCGAN weight initialization N(0, 0.02). */
export const INIT_STDDEV = 0.02;

/**
 * Hands out one seed per layer, derived from the model seed, so every layer draws its own
 * stream and the same model seed always gives the same initial weights.
 */
export function layerSeeds(seed: number): () => number {
  let index = 0;
  return () => {
    index += 1;
    return (Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x01000193) + Math.imul(index, 0x9e3779b1)) >>> 0;
  };
}

/** Kernel initializer N(0, 0.02), seeded. */
export function kernelInit(seed: number): Initializer {
  return tfl.initializers.randomNormal({ mean: 0, stddev: INIT_STDDEV, seed });
}

/** Batch-norm gamma initializer N(1, 0.02), seeded (as in the DCGAN reference code). */
export function gammaInit(seed: number): Initializer {
  return tfl.initializers.randomNormal({ mean: 1, stddev: INIT_STDDEV, seed });
}
