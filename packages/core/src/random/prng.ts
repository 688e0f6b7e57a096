import { GanforgeError } from '../errors.ts';
import { detLog, detSqrt } from './detmath.ts';

/**
 * A seeded pseudo-random number generator that gives the same stream, bit for bit, in Node and in
 * every browser.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128-bit state: a, b, c and a
 * counter, so its period is at least 2^32). Seeding: splitmix32 expands the seed into the four
 * state words, then 12 rounds are discarded. Everything is 32-bit integer arithmetic (Math.imul,
 * >>> 0), which JS defines exactly.
 *
 * nextFloat = nextUint32 / 2^32 (exact in a double). nextNormal uses Marsaglia's polar method,
 * z = u * sqrt(-2 ln s / s), with our own detLog and detSqrt instead of Math.log and Math.sqrt: the
 * ECMAScript spec leaves the precision of the Math functions to the engine, while ours use only
 * +, -, *, / on doubles, which IEEE 754 rounds exactly, so the same seed gives the same z in V8,
 * SpiderMonkey and JavaScriptCore (see detmath.ts).
 * The polar method's second normal is discarded so that the state stays four integers.
 */

export interface RngState {
  readonly seed: number;
  readonly words: readonly number[];
}

export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform in [0, 1), a multiple of 2^-32. */
  nextFloat(): number;
  /** Standard normal N(0, 1). */
  nextNormal(): number;
  /** A snapshot from which restoreRng continues the same stream. */
  getState(): RngState;
}

const TWO_POW_32 = 0x100000000;

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new GanforgeError('bad_seed', `seed must be a whole number, got ${String(seed)}`, {
      hint: 'use an integer such as 0 or 42',
    });
  }
}

/** The four sfc32 words for a seed. Seeds below 2^32 use only splitmix32(seed); higher bits are mixed in. */
function seedWords(seed: number): number[] {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const low = splitmix32(lo);
  const high = hi === 0 ? () => 0 : splitmix32(hi ^ 0x6a09e667);
  return [low() ^ high(), low() ^ high(), low() ^ high(), 1].map((w) => w >>> 0);
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    private readonly seed: number,
    words: readonly number[],
  ) {
    this.a = words[0]! >>> 0;
    this.b = words[1]! >>> 0;
    this.c = words[2]! >>> 0;
    this.d = words[3]! >>> 0;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  nextNormal(): number {
    for (;;) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * detSqrt((-2 * detLog(s)) / s);
    }
  }

  getState(): RngState {
    return { seed: this.seed, words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0] };
  }
}

/** A generator seeded with `seed` (any safe integer; same seed, same stream, in every engine). */
export function createRng(seed: number): Rng {
  checkSeed(seed);
  const rng = new Sfc32(seed, seedWords(seed));
  for (let i = 0; i < 12; i++) rng.nextUint32();
  return rng;
}

/** A generator that continues exactly where the one that gave `state` stood. */
export function restoreRng(state: RngState): Rng {
  const words = state?.words;
  const ok =
    Array.isArray(words) &&
    words.length === 4 &&
    words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32);
  if (!ok) {
    throw new GanforgeError(
      'bad_rng_state',
      `random generator state must hold 4 unsigned 32-bit words, got ${JSON.stringify(words)}`,
      { hint: 'restore from a state returned by getState()' },
    );
  }
  checkSeed(state.seed);
  return new Sfc32(state.seed, words);
}

/** Uniform integer in [0, bound), unbiased (rejection sampling); bound in [1, 2^32]. */
export function uniformInt(rng: Rng, bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
    throw new GanforgeError('bad_bound', `bound must be an integer in [1, 2^32], got ${bound}`);
  }
  // Largest multiple of bound that fits in 2^32; values at or above it would bias the modulo.
  const limit = TWO_POW_32 - (TWO_POW_32 % bound);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % bound;
  }
}
