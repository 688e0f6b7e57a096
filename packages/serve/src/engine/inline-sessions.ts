import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { ModelSource, RunRequest, RunResult } from './worker-pool.ts';

/**
 * One CPU session per model on the HTTP thread, for the request that arrives when every worker is idle
 * and nothing else waits (BatchScheduler, `inlineMaxSamples`): it runs at once, with no hop to a worker
 * thread and back: the lone small request is the case where a server without workers (one
 * `session.run` per request on its main thread) was faster. Its run blocks the HTTP thread for that
 * long, which is why the scheduler sends it only small requests, and only when nothing else waits.
 *
 * The session has one intra-op thread. A run this small (at most a few samples) does not pay for a
 * second one: measured on the shipped DCGAN at n = 1 and n = 4 on 2 cores, two intra-op threads with
 * spinning off took longer (283 vs 243 µs, 763 vs 600 µs per run) and more CPU (1,055 vs 623 µs at
 * n = 4), since each parallel section waits for a sleeping thread to wake; with spinning on they were
 * faster alone but spent 1.6x the CPU, on cores the workers and the HTTP thread need (onnxruntime's
 * default options, the naive server's, measured as one thread did). The CPU kernels compute each
 * output the same way whatever the thread count and batch, so a sample's bytes do not depend on where it ran (tested in
 * inline-sessions.test.ts against a worker).
 */
export class InlineSessions {
  private readonly sessions = new Map<string, ort.InferenceSession>();
  /** Runs done here, for tests and metrics. */
  runs = 0;
  /** A run is in progress (one at a time: the scheduler sends the next batch to the workers). */
  busy = false;

  constructor(private readonly intraOpThreads: number = 1) {}

  async load(key: string, source: ModelSource): Promise<void> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: this.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    };
    const session =
      typeof source === 'string'
        ? await ort.InferenceSession.create(source, options)
        : await ort.InferenceSession.create(source, options);
    const old = this.sessions.get(key);
    this.sessions.set(key, session);
    if (old) await old.release();
  }

  has(key: string): boolean {
    return this.sessions.has(key);
  }

  async unload(key: string): Promise<void> {
    const s = this.sessions.get(key);
    this.sessions.delete(key);
    if (s) await s.release();
  }

  /** Runs on the calling thread (it blocks for the run's duration); same inputs and result as a worker's run. */
  async run(req: RunRequest): Promise<RunResult> {
    const s = this.sessions.get(req.key);
    if (!s) throw new Error(`no inline session '${req.key}'`);
    const feeds: Record<string, ort.Tensor> = {
      [req.inputName]: new ort.Tensor('float32', req.latents, [req.n, req.latentDim]),
    };
    if (req.classes) {
      const ids = BigInt64Array.from(req.classes.ids, (c) => BigInt(c));
      feeds[req.classes.inputName] = new ort.Tensor('int64', ids, [req.n]);
    }
    const started = performance.now();
    this.busy = true;
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await s.run(feeds, [req.outputName]);
    } finally {
      this.busy = false;
    }
    const runMs = performance.now() - started;
    this.runs++;
    const tensor = out[req.outputName]!;
    return { data: tensor.data as Float32Array, dims: [...tensor.dims], runMs };
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.release()));
  }
}
