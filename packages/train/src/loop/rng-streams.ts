import { createRng, restoreRng, type Rng, type RngState } from '@ganforge/core';

/**
 * The independent random streams of a run, all derived from the config seed. Each one's state goes
 * into every checkpoint, so a resumed run draws exactly what an uninterrupted one would have drawn.
 * - data:   the shuffle of each epoch (its state is recorded at the start of the epoch)
 * - latent: z for the D and G updates
 * - noise:  instance noise, label flips and dropout masks
 */
export interface RngStreams {
  readonly data: Rng;
  readonly latent: Rng;
  readonly noise: Rng;
}

export interface RngStreamsState {
  /** State of the data stream at the start of the current epoch (replayed on resume). */
  readonly dataAtEpochStart: RngState;
  readonly latent: RngState;
  readonly noise: RngState;
}

/** Distinct odd offsets so the streams never share a seed (seeds are < 2^32, sums stay exact). */
const OFFSETS = { data: 0x1000_0001, latent: 0x2000_0003, noise: 0x3000_0005 } as const;

export function createRngStreams(seed: number): RngStreams {
  return {
    data: createRng(seed + OFFSETS.data),
    latent: createRng(seed + OFFSETS.latent),
    noise: createRng(seed + OFFSETS.noise),
  };
}

export function restoreRngStreams(state: RngStreamsState): RngStreams {
  return {
    data: restoreRng(state.dataAtEpochStart),
    latent: restoreRng(state.latent),
    noise: restoreRng(state.noise),
  };
}
