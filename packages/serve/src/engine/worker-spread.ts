import { availableParallelism } from 'node:os';

/**
 * How far small batches spread over the session workers. Every worker that starts a batch costs a hop
 * to it and back (two thread wake-ups, ~80-100 µs of CPU on the 2-core machine, BENCHMARKS.md "What a
 * hop to a session worker costs here") and a core, and the HTTP thread needs a core of its own for
 * small requests (parsing, validating, encoding and writing them). So a batch may start on an idle
 * worker while another runs, or be split into parts over the idle workers, only when it is big enough
 * for that to pay: otherwise what arrives while a worker runs the model's batch waits for that worker
 * to finish (less than one run) and joins one bigger batch there (never behind another model's batch
 * alone: batch-scheduler.ts). Nothing waits for nothing: while fewer than
 * `freeWorkers` workers run, a batch of any size starts at once.
 *
 * Measured on the 2-core machine with the shipped DCGAN against the naive server, alternating runs of
 * `scripts/bench-serve.ts --only 1:8,4:8,1:32,16:8` (BENCHMARKS.md, "Small batches on one worker"):
 * with every idle worker taking any batch, 1 x 8 ran batches of 2.1 samples at 0.95-1.03x of the naive
 * server and 349-389 µs of CPU per sample; with a second worker only for 8 samples or more, batches of
 * 3.6-3.8 at 1.01-1.17x and 264-300 µs, 1 x 32 1.40-1.57x against 1.14-1.30x with a lower p50, and 4 x 8
 * and 16 x 8 level or ahead. 4 spread too soon (1 x 8 0.95x), 16 was no better than 8.
 */
export interface WorkerSpread {
  /** Workers that may run batches of any size at once: the cores less the HTTP thread's (at least 1). */
  readonly freeWorkers: number;
  /**
   * Beyond those, a batch starts on a further worker only with at least this many samples, and a
   * batch is split over idle workers only into parts of at least this many (1: any batch, any split).
   */
  readonly minSamples: number;
}

/** Every idle worker takes any batch, and a lone batch splits over all of them: no spread limit. */
export const UNLIMITED_SPREAD: WorkerSpread = { freeWorkers: Infinity, minSamples: 1 };

/** The workers that may run small batches at once on `cores` cores: one core is the HTTP thread's. */
export function defaultFreeWorkers(cores: number = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/**
 * The samples that make a batch worth a further worker for a model whose batches hold at most
 * `maxBatch`: a full batch always is (a model capped below `minSamples` still uses every worker).
 */
function enough(spread: WorkerSpread, maxBatch: number): number {
  return Math.max(1, Math.min(spread.minSamples, maxBatch));
}

/**
 * Whether `samples` waiting (for a model whose batches hold at most `maxBatch`) may start a batch on an
 * idle worker while `busy` workers run.
 */
export function mayStart(spread: WorkerSpread, busy: number, samples: number, maxBatch: number): boolean {
  return busy < spread.freeWorkers || samples >= enough(spread, maxBatch);
}

/** Into how many parts (one per idle worker, at most `idle`) a batch of `samples` that runs alone is split. */
export function splitParts(spread: WorkerSpread, idle: number, samples: number, maxBatch: number): number {
  return Math.max(1, Math.min(idle, Math.floor(samples / enough(spread, maxBatch))));
}
