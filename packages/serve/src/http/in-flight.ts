/** Counts the requests being answered, and tells waiters when none is (graceful shutdown). */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Bound, so it can be passed as an event listener. */
  readonly enter = (): void => {
    this.count++;
  };

  readonly leave = (): void => {
    this.count--;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  };

  get size(): number {
    return this.count;
  }

  /** Resolves once no request is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
