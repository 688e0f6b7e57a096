import type { Response } from 'express';
import { GanforgeError } from '@ganforge/core';

/**
 * Admission control by work, not by request count: a request for n samples is admitted while the
 * samples already admitted and not yet answered (waiting, generating, or being encoded and sent) stay
 * within the limit; past it the answer is a 429 with Retry-After at once, before latency grows. One
 * request is always admitted when nothing else is in progress, so a single large request still runs.
 */
export class Admission {
  private samples = 0;

  constructor(
    private readonly limit: number,
    /** Seconds until `samples` samples have likely been worked off (Retry-After). */
    private readonly secondsFor: (samples: number) => number,
  ) {}

  /** Samples admitted and not yet answered. */
  get inProgress(): number {
    return this.samples;
  }

  /** Admits `n` samples until `res` closes (answered or aborted); throws the 429 otherwise. */
  admit(n: number, res: Response): void {
    if (this.samples > 0 && this.samples + n > this.limit) {
      throw Object.assign(
        new GanforgeError(
          'queue_full',
          `the server is at capacity: ${this.samples} samples are in progress and ${n} more would pass the limit of ${this.limit}`,
          { status: 429, hint: 'retry after the time in the Retry-After header, or ask for fewer samples' },
        ),
        { retryAfterSeconds: Math.max(1, Math.ceil(this.secondsFor(this.samples))) },
      );
    }
    this.samples += n;
    res.once('close', () => {
      this.samples -= n;
    });
  }
}
