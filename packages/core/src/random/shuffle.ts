import { GanforgeError } from '../errors.ts';
import { uniformInt, type Rng } from './prng.ts';

/** A random permutation of 0..n-1 (Fisher-Yates, unbiased draws), e.g. the order of one epoch. */
export function shuffledIndices(n: number, rng: Rng): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
    throw new GanforgeError('bad_shuffle', `cannot shuffle ${n} items: expected a whole number >= 0`);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}
