import { GanforgeError } from '@ganforge/core';

/**
 * Admission control by work, not by request count: a request for n samples is admitted while the
 * samples already admitted and not yet answered (waiting, generating, or being encoded and sent) stay
 * within the limit, and while the workers' recent speed says they would be done within `maxWaitSeconds`
 * (so a slower machine, or one shared with other work, admits less); past either the answer is a 429
 * with Retry-After at once, before latency grows. One request is always admitted when nothing else is
 * in progress, so a single large request still runs.
 */
export class Admission {
  private samples = 0;

  constructor(
    private readonly limit: number,
    /** Seconds until `samples` samples have likely been generated, from recent run times. */
    private readonly secondsFor: (samples: number) => number,
    /** Most estimated seconds of work to have in progress (a fraction of the request deadline). */
    private readonly maxWaitSeconds: number = Infinity,
  ) {}

  /** Samples admitted and not yet answered. */
  get inProgress(): number {
    return this.samples;
  }

  /** Admits `n` samples until `res` closes (answered or aborted); throws the 429 otherwise. */
  admit(n: number, res: { once(event: 'close', listener: () => void): unknown }): void {
    const overLimit = this.samples + n > this.limit;
    if (this.refuses(n)) {
      const why = overLimit
        ? `the limit of ${this.limit}`
        : `what the workers can finish in ${this.maxWaitSeconds.toFixed(1)} s at their recent speed`;
      throw Object.assign(
        new GanforgeError(
          'queue_full',
          `the server is at capacity: ${this.samples} samples are in progress and ${n} more would pass ${why}`,
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

  /**
   * For a caller that answers within one call of its own (the inline lane, inline-lane.ts): admits `n`
   * samples and returns true, or returns false where `admit` would throw its 429 (the caller then takes
   * the route that throws it). The caller gives them back with `release` once it has answered.
   */
  tryTake(n: number): boolean {
    if (this.refuses(n)) return false;
    this.samples += n;
    return true;
  }

  release(n: number): void {
    this.samples -= n;
  }

  private refuses(n: number): boolean {
    return (
      this.samples > 0 &&
      (this.samples + n > this.limit || this.secondsFor(this.samples + n) > this.maxWaitSeconds)
    );
  }
}
