import { describe, expect, it } from 'vitest';
import { BatchScheduler } from './batch-scheduler.ts';
import type { RunRequest, RunResult, WorkerPool } from './worker-pool.ts';

/**
 * The scheduler against a stand-in pool whose runs finish only when the test says: when a batch
 * starts, on how many workers and with which rows, decided without any timing.
 */
class StubPool {
  onIdle: () => void = () => {};
  readonly runs: { req: RunRequest; finish: (fail?: Error) => void }[] = [];
  constructor(
    readonly size: number,
    private idle: number,
  ) {}
  idleCount(): number {
    return this.idle;
  }
  /** Makes workers idle (as a finished run elsewhere would) and tells the scheduler. */
  free(count: number): void {
    this.idle += count;
    this.onIdle();
  }
  run(req: RunRequest): Promise<RunResult> {
    if (this.idle === 0) throw new Error('no idle session worker');
    this.idle--;
    return new Promise((resolve, reject) => {
      this.runs.push({
        req,
        finish: (fail) => {
          this.idle++;
          if (fail) reject(fail);
          // The "image" of each latent row is that row times 10.
          else resolve({ data: req.latents.map((v) => v * 10), dims: [req.n, req.latentDim], runMs: 1 });
          queueMicrotask(() => this.onIdle());
        },
      });
    });
  }
}

const D = 2;
const target = { key: 'm#1', inputName: 'z', outputName: 'x', latentDim: D };
/** n latent rows [[k, k+0.5], ...] from k = first. */
const rows = (first: number, n: number) =>
  Float32Array.from({ length: n * D }, (_, i) => first + Math.floor(i / D) + (i % D) / 2);

function setUp(workers: number, idle: number) {
  const pool = new StubPool(workers, idle);
  const batches: { size: number; requests: number }[] = [];
  const scheduler = new BatchScheduler(
    pool as unknown as WorkerPool,
    { maxBatch: 64, maxDelayMs: 0, queueLimit: 1000 },
    { onBatch: (_m, size, requests) => batches.push({ size, requests }) },
  );
  scheduler.setTarget('m', target);
  return { pool, scheduler, batches };
}

describe('BatchScheduler dispatch', () => {
  it('starts a request on an idle worker within submit() itself: no queue wait', () => {
    const { pool, scheduler } = setUp(1, 1);
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    expect(pool.runs).toHaveLength(1);
    expect(Array.from(pool.runs[0]!.req.latents)).toEqual([0, 0.5]);
    expect(scheduler.queueDepth('m')).toBe(0);
    pool.runs[0]!.finish();
  });

  it('splits a lone batch over the idle workers and gives each request its own rows, in order', async () => {
    const { pool, scheduler, batches } = setUp(2, 2);
    const answer = scheduler.submit('m', rows(0, 5), 5, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([3, 2]);
    expect(Array.from(pool.runs[1]!.req.latents)).toEqual(Array.from(rows(3, 2)));
    pool.runs[1]!.finish();
    pool.runs[0]!.finish();
    expect(Array.from(await answer)).toEqual(Array.from(rows(0, 5), (v) => v * 10));
    expect(batches).toEqual([
      { size: 2, requests: 1 },
      { size: 3, requests: 1 },
    ]);
  });

  it('merges what waited while the workers were busy, split over the workers that free up', async () => {
    const { pool, scheduler, batches } = setUp(2, 0);
    const answers = [0, 1, 2].map((k) => scheduler.submit('m', rows(10 * k, 2), 2, 10_000));
    expect(pool.runs).toHaveLength(0);
    pool.free(2);
    // 6 rows of three requests, as 3 + 3: the middle request spans both parts.
    expect(pool.runs.map((r) => r.req.n)).toEqual([3, 3]);
    for (const r of pool.runs) r.finish();
    const got = await Promise.all(answers);
    for (const [k, a] of got.entries())
      expect(Array.from(a)).toEqual(Array.from(rows(10 * k, 2), (v) => v * 10));
    expect(batches.map((b) => b.requests)).toEqual([2, 2]);
  });

  it('runs a batch whole on one worker when only one is idle', () => {
    const { pool, scheduler } = setUp(2, 1);
    void scheduler.submit('m', rows(0, 4), 4, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([4]);
    pool.runs[0]!.finish();
  });

  it("leaves the other idle worker to another model's waiting requests", () => {
    const { pool, scheduler } = setUp(2, 0);
    scheduler.setTarget('other', { ...target, key: 'o#1' });
    void scheduler.submit('m', rows(0, 4), 4, 10_000);
    void scheduler.submit('other', rows(0, 2), 2, 10_000);
    pool.free(2);
    expect(pool.runs.map((r) => [r.req.key, r.req.n])).toEqual([
      ['m#1', 4],
      ['o#1', 2],
    ]);
    for (const r of pool.runs) r.finish();
  });

  it('fails every request of a split batch when a part fails, once all its parts are out of the workers', async () => {
    const { pool, scheduler } = setUp(2, 2);
    const answer = scheduler.submit('m', rows(0, 4), 4, 10_000);
    let drained = false;
    void scheduler.drained('m#1').then(() => (drained = true));
    pool.runs[0]!.finish(new Error('boom'));
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false); // the other part is still running
    pool.runs[1]!.finish();
    await expect(answer).rejects.toMatchObject({ code: 'inference_failed', status: 500 });
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(true);
  });
});

describe('BatchScheduler: small batches wait for a running worker (worker-spread.ts)', () => {
  /** Two workers, one of them free for any batch, a further one only for 8 samples or more. */
  function setUpSpread(o: { maxDelayMs?: number } = {}, t: object = {}) {
    const pool = new StubPool(2, 2);
    const batches: number[] = [];
    const scheduler = new BatchScheduler(
      pool as unknown as WorkerPool,
      { maxBatch: 64, maxDelayMs: 0, queueLimit: 1000, spread: { freeWorkers: 1, minSamples: 8 }, ...o },
      { onBatch: (_m, size) => batches.push(size) },
    );
    scheduler.setTarget('m', { ...target, ...t });
    return { pool, scheduler, batches };
  }

  it('queues small requests while one worker runs, and runs them as one batch when it finishes', async () => {
    const { pool, scheduler } = setUpSpread();
    const first = scheduler.submit('m', rows(0, 1), 1, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([1]);
    const later = [1, 2, 3].map((k) => scheduler.submit('m', rows(k, 1), 1, 10_000));
    // The other worker is idle, yet 3 samples do not start on it.
    expect(pool.runs).toHaveLength(1);
    expect(pool.idleCount()).toBe(1);
    expect(scheduler.queueDepth('m')).toBe(3);
    pool.runs[0]!.finish();
    await first;
    await new Promise((r) => setImmediate(r));
    // One batch of three on one worker: 3 samples are not split either.
    expect(pool.runs.map((r) => r.req.n)).toEqual([1, 3]);
    pool.runs[1]!.finish();
    const got = await Promise.all(later);
    for (const [i, a] of got.entries())
      expect(Array.from(a)).toEqual(Array.from(rows(i + 1, 1), (v) => v * 10));
  });

  it('starts a further worker as soon as the waiting requests reach minSamples', () => {
    const { pool, scheduler } = setUpSpread();
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    void scheduler.submit('m', rows(1, 7), 7, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([1]);
    void scheduler.submit('m', rows(8, 1), 1, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([1, 8]);
    expect(scheduler.queueDepth('m')).toBe(0);
    for (const r of pool.runs) r.finish();
  });

  it("does not hold a model's small batch behind another model's running batch", () => {
    const { pool, scheduler } = setUpSpread();
    scheduler.setTarget('other', { ...target, key: 'o#1' });
    void scheduler.submit('other', rows(0, 1), 1, 10_000);
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    expect(pool.runs.map((r) => [r.req.key, r.req.n])).toEqual([
      ['o#1', 1],
      ['m#1', 1],
    ]);
    for (const r of pool.runs) r.finish();
  });

  it('splits a lone batch only into parts of minSamples or more', () => {
    const { pool, scheduler } = setUpSpread();
    void scheduler.submit('m', rows(0, 15), 15, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([15]);
    pool.runs[0]!.finish();
    void scheduler.submit('m', rows(0, 16), 16, 10_000);
    expect(pool.runs.slice(1).map((r) => r.req.n)).toEqual([8, 8]);
    for (const r of pool.runs.slice(1)) r.finish();
  });

  it('lets a full batch of a model capped below minSamples start on a further worker', () => {
    const { pool, scheduler } = setUpSpread({}, { maxBatch: 4 });
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    void scheduler.submit('m', rows(1, 3), 3, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([1]);
    void scheduler.submit('m', rows(4, 1), 1, 10_000);
    expect(pool.runs.map((r) => r.req.n)).toEqual([1, 4]);
    for (const r of pool.runs) r.finish();
  });

  it('with a queue delay, a held batch waits for the running worker, not for the delay timer', async () => {
    const { pool, scheduler } = setUpSpread({ maxDelayMs: 2 });
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(pool.runs).toHaveLength(1); // waited 2 ms for company, then started
    void scheduler.submit('m', rows(1, 1), 1, 10_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(pool.runs).toHaveLength(1); // past its delay, still waiting for the running worker
    pool.runs[0]!.finish();
    await new Promise((r) => setImmediate(r));
    // Both workers idle again: it waits out its delay (already past) and starts.
    await new Promise((r) => setTimeout(r, 5));
    expect(pool.runs.map((r) => r.req.n)).toEqual([1, 1]);
    pool.runs[1]!.finish();
  });
});

/** A stand-in pool that also has the HTTP thread's session (WorkerPool.runInline), each run taking `inlineMs`. */
class InlineStubPool extends StubPool {
  readonly inlineRuns: number[] = [];
  inlineMs = 1;
  canRunInline(): boolean {
    return this.idleCount() === this.size;
  }
  runInline(req: RunRequest): Promise<RunResult> {
    this.inlineRuns.push(req.n);
    return Promise.resolve({ data: req.latents.map((v) => v * 10), dims: [req.n, D], runMs: this.inlineMs });
  }
}

describe('BatchScheduler: what runs on the HTTP thread (inline)', () => {
  function setUpInline(o: { inlineMaxSamples: number; inlineMaxMs?: number }, t: object = {}) {
    const pool = new InlineStubPool(2, 2);
    const scheduler = new BatchScheduler(pool as unknown as WorkerPool, {
      maxBatch: 64,
      maxDelayMs: 0,
      queueLimit: 1000,
      ...o,
    });
    scheduler.setTarget('m', { ...target, ...t });
    return { pool, scheduler };
  }

  it('runs a request of up to inlineMaxSamples inline, a larger one on the workers', async () => {
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 8 });
    expect(Array.from(await scheduler.submit('m', rows(0, 8), 8, 10_000))).toEqual(
      Array.from(rows(0, 8), (v) => v * 10),
    );
    expect(pool.inlineRuns).toEqual([8]);
    void scheduler.submit('m', rows(0, 9), 9, 10_000);
    expect(pool.inlineRuns).toEqual([8]);
    expect(pool.runs.map((r) => r.req.n)).toEqual([5, 4]);
    for (const r of pool.runs) r.finish();
  });

  it("never runs more than the model's max batch inline", () => {
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 64 }, { maxBatch: 4 });
    void scheduler.submit('m', rows(0, 5), 5, 10_000);
    expect(pool.inlineRuns).toEqual([]);
    for (const r of pool.runs) r.finish();
  });

  it('sends a request to the workers when its run is estimated past inlineMaxMs, from the runs measured so far', async () => {
    // The warm-up's guess: 2 ms per sample, so 8 samples = 16 ms > 10 ms.
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 64, inlineMaxMs: 10 }, { msPerSample: 2 });
    await scheduler.submit('m', rows(0, 4), 4, 10_000); // 8 ms: inline
    expect(pool.inlineRuns).toEqual([4]);
    // That run took 1 ms (0.25 ms per sample), and replaced the guess: 8 samples are now 2 ms.
    await scheduler.submit('m', rows(0, 8), 8, 10_000);
    expect(pool.inlineRuns).toEqual([4, 8]);
    // Runs slow down to 20 ms for 8 samples (2.5 ms per sample): the moving average (a fifth of each new
    // run) climbs from 0.225 to 0.68, 1.04 and 1.34 ms per sample: 8 samples are now 10.7 ms...
    pool.inlineMs = 20;
    for (let i = 0; i < 3; i++) await scheduler.submit('m', rows(0, 8), 8, 10_000);
    expect(pool.inlineRuns).toEqual([4, 8, 8, 8, 8]);
    // ...and the next such request goes to the workers, split over both.
    void scheduler.submit('m', rows(0, 8), 8, 10_000);
    expect(pool.inlineRuns).toHaveLength(5);
    expect(pool.runs.map((r) => r.req.n)).toEqual([4, 4]);
    for (const r of pool.runs) r.finish();
  });

  it('runLone: the inline run submit would start, or undefined wherever submit would do anything else', async () => {
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 8 });
    const lone = scheduler.runLone('m', rows(0, 2), 2);
    expect(lone).toBeDefined();
    expect(Array.from(await lone!)).toEqual(Array.from(rows(0, 2), (v) => v * 10));
    expect(pool.inlineRuns).toEqual([2]);
    // Too many samples for the HTTP thread, an unknown model: undefined, and nothing ran.
    expect(scheduler.runLone('m', rows(0, 9), 9)).toBeUndefined();
    expect(scheduler.runLone('ghost', rows(0, 1), 1)).toBeUndefined();
    // A worker busy with this model's batch: submit would queue, so runLone declines.
    void scheduler.submit('m', rows(0, 9), 9, 10_000);
    expect(pool.runs.length).toBeGreaterThan(0);
    expect(scheduler.runLone('m', rows(0, 1), 1)).toBeUndefined();
    for (const r of pool.runs) r.finish();
    await Promise.resolve();
    expect(pool.inlineRuns).toEqual([2]);
    // A model with a class input: its ids come with submit; a queue delay: requests wait for company.
    scheduler.setTarget('c', { ...target, key: 'c#1', classInputName: 'y' });
    expect(scheduler.runLone('c', rows(0, 1), 1)).toBeUndefined();
    const delayed = new BatchScheduler(pool as unknown as WorkerPool, {
      maxBatch: 64,
      maxDelayMs: 5,
      queueLimit: 1000,
      inlineMaxSamples: 8,
    });
    delayed.setTarget('m', target);
    expect(delayed.runLone('m', rows(0, 1), 1)).toBeUndefined();
    expect(pool.inlineRuns).toEqual([2]);
  });

  it('runLone: a failed run rejects as a failed inference, and the model is drained after it', async () => {
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 8 });
    pool.runInline = () => Promise.reject(new Error('session exploded'));
    await expect(scheduler.runLone('m', rows(0, 1), 1)).rejects.toMatchObject({
      code: 'inference_failed',
      status: 500,
    });
    await scheduler.drained('m#1');
  });

  it('runs nothing inline before any run of the model has been measured or guessed, when inlineMaxMs is set', () => {
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 64, inlineMaxMs: 10 });
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    expect(pool.inlineRuns).toEqual([]);
    for (const r of pool.runs) r.finish();
  });
});
