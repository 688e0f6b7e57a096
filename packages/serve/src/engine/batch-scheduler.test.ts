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

  it('runs nothing inline before any run of the model has been measured or guessed, when inlineMaxMs is set', () => {
    const { pool, scheduler } = setUpInline({ inlineMaxSamples: 64, inlineMaxMs: 10 });
    void scheduler.submit('m', rows(0, 1), 1, 10_000);
    expect(pool.inlineRuns).toEqual([]);
    for (const r of pool.runs) r.finish();
  });
});
