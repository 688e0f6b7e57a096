import { GanforgeError } from '../errors.ts';
import { createRng, type Rng } from './prng.ts';

/** The prior p(z) a generator was trained with: uniform = U(-1, 1), normal = N(0, 1), per component. */
export type LatentDistribution = 'uniform' | 'normal';

export const LATENT_DISTRIBUTIONS: readonly LatentDistribution[] = ['uniform', 'normal'];

export interface SampleLatentsOptions {
  seed: number;
  /** How many latent vectors. */
  n: number;
  /** Components per vector (the generator's input size). */
  latentDim: number;
  distribution: LatentDistribution;
  /** The truncation trick; see sampleLatentsFrom. Omit for the untruncated prior. */
  truncation?: number;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new GanforgeError('bad_latent', `${name} must be a whole number >= ${min}, got ${value}`);
  }
}

function checkDistribution(distribution: string): asserts distribution is LatentDistribution {
  if (!LATENT_DISTRIBUTIONS.includes(distribution as LatentDistribution)) {
    throw new GanforgeError(
      'bad_latent',
      `latent distribution must be 'uniform' or 'normal', got '${distribution}'`,
    );
  }
}

/** Validates a truncation value for a distribution and returns it (undefined = no truncation). */
function checkTruncation(
  distribution: LatentDistribution,
  truncation: number | undefined,
): number | undefined {
  if (truncation === undefined) return undefined;
  if (distribution === 'normal' && !(truncation > 0 && Number.isFinite(truncation))) {
    throw new GanforgeError(
      'bad_truncation',
      `truncation for a normal latent must be a number > 0, got ${truncation}`,
      { hint: 'typical values are 0.5 to 2; smaller gives more typical, less varied samples' },
    );
  }
  if (distribution === 'uniform' && !(truncation > 0 && truncation <= 1)) {
    throw new GanforgeError(
      'bad_truncation',
      `truncation for a uniform latent must be in (0, 1], got ${truncation}`,
      { hint: 'typical values are 0.5 to 1; smaller gives more typical, less varied samples' },
    );
  }
  return truncation;
}

/**
 * n latent vectors of latentDim components drawn from `rng`, row-major (vector i is
 * [i*latentDim, (i+1)*latentDim)). Components are drawn in that order, one rng draw (uniform) or one
 * polar-method pair (normal) each, so the result depends only on the rng state.
 *
 * The truncation trick (Brock et al., BigGAN; Marchesi 2017) trades variety for typical samples:
 * - normal: any component with |z| > truncation is drawn again until it falls inside, which gives the
 *   standard normal truncated to [-t, t];
 * - uniform: every component is scaled by t in (0, 1], which gives U(-t, t).
 */
export function sampleLatentsFrom(
  rng: Rng,
  n: number,
  latentDim: number,
  distribution: LatentDistribution,
  truncation?: number,
): Float32Array {
  checkCount('n', n, 0);
  checkCount('latentDim', latentDim, 1);
  checkDistribution(distribution);
  const t = checkTruncation(distribution, truncation);
  const z = new Float32Array(n * latentDim);
  if (distribution === 'uniform') {
    const scale = t ?? 1;
    for (let i = 0; i < z.length; i++) z[i] = (2 * rng.nextFloat() - 1) * scale;
  } else {
    for (let i = 0; i < z.length; i++) {
      let v = rng.nextNormal();
      if (t !== undefined) while (Math.abs(v) > t) v = rng.nextNormal();
      z[i] = v;
    }
  }
  return z;
}

/** n latent vectors for a seed: the same seed gives the same Float32Array, bit for bit, everywhere. */
export function sampleLatents(opts: SampleLatentsOptions): Float32Array {
  return sampleLatentsFrom(createRng(opts.seed), opts.n, opts.latentDim, opts.distribution, opts.truncation);
}
