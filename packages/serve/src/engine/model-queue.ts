/** Where a model's batches run. */
export interface BatchTarget {
  readonly key: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly latentDim: number;
  /** A class-conditional model's class input: each batch feeds its requests' class ids to it, in order. */
  readonly classInputName?: string;
  /**
   * Most latents per session.run for this model (its card's `serving.maxBatch`, see
   * registry/serving-limits.ts). Never above the scheduler's `maxBatch`, which is the server-wide cap
   * and the value used when this is absent.
   */
  readonly maxBatch?: number;
  /**
   * A first guess at a run's milliseconds per sample, until this target's runs measure it (the
   * warm-up's: a session's first run, which also plans and allocates, so it guesses high).
   */
  readonly msPerSample?: number;
}

/** One request waiting for (or in) a batch. */
export interface Job {
  readonly latents: Float32Array;
  readonly n: number;
  /** The n class ids of a request for a class-conditional model. */
  readonly classes: Int32Array | undefined;
  readonly enqueuedAt: number;
  readonly resolve: (images: Float32Array) => void;
  readonly reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

/** One model's waiting requests, the target they run on, and how many latents one of its batches may hold. */
export class ModelQueue {
  readonly jobs: Job[] = [];
  running = 0;
  /** Latents per batch: the target's own limit, capped at the server-wide one. */
  readonly maxBatch: number;
  /** Milliseconds per sample of this target's measured runs (moving average); see `estimateMs`. */
  private measuredMsPerSample: number | undefined;

  constructor(
    readonly name: string,
    readonly target: BatchTarget,
    serverMaxBatch: number,
  ) {
    this.maxBatch = Math.min(target.maxBatch ?? serverMaxBatch, serverMaxBatch);
  }

  /**
   * About how long one run of `samples` samples takes, from this target's recent runs (a worker's and
   * the HTTP thread's alike, so it errs high for the latter, which has more threads), else from the
   * target's first guess; Infinity before anything is known.
   */
  estimateMs(samples: number): number {
    const msPerSample = this.measuredMsPerSample ?? this.target.msPerSample;
    return msPerSample === undefined ? Infinity : samples * msPerSample;
  }

  /** A run of `size` samples took `runMs`: the first measured run replaces the guess, later ones average in. */
  observeRun(size: number, runMs: number): void {
    if (size <= 0) return;
    const perSample = runMs / size;
    const before = this.measuredMsPerSample;
    this.measuredMsPerSample = before === undefined ? perSample : 0.8 * before + 0.2 * perSample;
  }

  /** Latents waiting. */
  rows(): number {
    let r = 0;
    for (const j of this.jobs) r += j.n;
    return r;
  }

  /** Takes whole requests from the head of the queue up to maxBatch latents (at least one request). */
  take(): Job[] {
    const batch: Job[] = [];
    let rows = 0;
    while (this.jobs.length > 0) {
      const j = this.jobs[0]!;
      if (batch.length > 0 && rows + j.n > this.maxBatch) break;
      this.jobs.shift();
      batch.push(j);
      rows += j.n;
    }
    return batch;
  }
}
