import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/harness.ts';
import { threadNice, threadsAtNice } from '../testing/thread-nice.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import { WORKER_NICE } from './thread-priority.mjs';
import { defaultWorkers, WorkerPool } from './worker-pool.ts';

/** This (main) thread's nice value before any pool exists. */
const NICE_BEFORE_POOL = getPriority();

describe('WorkerPool', () => {
  let dir: string;
  let pool: WorkerPool;
  const run = () =>
    pool.run({
      key: 'm#1',
      inputName: 'latent',
      outputName: 'image',
      latents: new Float32Array([0.1, -0.2, 0.3, 0.4]),
      n: 1,
      latentDim: 4,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ganforge-pool-'));
    await writeTinyModel(dir, 'm');
    pool = new WorkerPool({ workers: 2, intraOpThreads: 1 });
  });
  afterAll(async () => {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a session in every worker and runs it off the main thread', async () => {
    const loaded = await pool.load('m#1', join(dir, 'm', 'model.onnx'), 'cpu');
    expect(loaded).toMatchObject({ provider: 'cpu', inputNames: ['latent'], outputNames: ['image'] });
    expect(loaded.outputs[0]?.shape).toEqual([-1, 8, 8, 1]);
    const r = await run();
    expect(r.dims).toEqual([1, 8, 8, 1]);
    expect(r.data).toHaveLength(64);
  });

  it.runIf(existsSync('/proc/thread-self'))(
    'runs its workers below the HTTP thread: nice WORKER_NICE (2), the calling thread unchanged',
    () => {
      expect(WORKER_NICE).toBe(2);
      const lowered = threadsAtNice(WORKER_NICE);
      // The two session workers (loaded and run above) at least; this thread itself stays as it was
      // before the pool started (0, or what `nice` started the tests with).
      expect(lowered.length).toBeGreaterThanOrEqual(2);
      expect(threadNice(String(process.pid))).toBe(NICE_BEFORE_POOL);
    },
  );

  it.runIf(existsSync('/proc/thread-self') && NICE_BEFORE_POOL < 12)(
    'runs its workers at the nice value it is given (--worker-nice)',
    async () => {
      expect(threadsAtNice(12)).toHaveLength(0);
      const other = new WorkerPool({ workers: 2, intraOpThreads: 1, workerNice: 12 });
      try {
        await other.load('m#1', join(dir, 'm', 'model.onnx'), 'cpu');
        expect(threadsAtNice(12).length).toBeGreaterThanOrEqual(2);
        expect(threadNice(String(process.pid))).toBe(NICE_BEFORE_POOL);
      } finally {
        await other.close();
      }
    },
  );

  it('reports a corrupt model as a load error', async () => {
    await expect(pool.load('bad#1', join(dir, 'nope.onnx'), 'cpu')).rejects.toThrow(
      /nope\.onnx|No such file|Load model/i,
    );
  });

  it('replaces a worker that dies, with the same sessions loaded', async () => {
    const before = await run();
    const workers = (pool as unknown as { workers: { worker: Worker }[] }).workers;
    const dead = workers[0]!.worker;
    await dead.terminate();
    await waitFor(() => workers[0]!.worker !== dead && pool.idleCount() === 2, 10_000, 'replacement worker');
    // Both workers answer (the busy flag makes the pool pick the other one for the second run).
    const [a, b] = await Promise.all([run(), run()]);
    expect(Array.from(a.data)).toEqual(Array.from(before.data));
    expect(Array.from(b.data)).toEqual(Array.from(before.data));
  });
});

describe('defaultWorkers', () => {
  it('is one session worker per core, at least 1 and at most 8', () => {
    expect(defaultWorkers(1)).toBe(1);
    expect(defaultWorkers(2)).toBe(2);
    expect(defaultWorkers(6)).toBe(6);
    expect(defaultWorkers(64)).toBe(8);
  });
});
