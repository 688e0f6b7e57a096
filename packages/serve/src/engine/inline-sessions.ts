import { availableParallelism } from 'node:os';
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
 * The session has one intra-op thread per core (a lone request gets the whole machine, as a split over
 * the idle workers would) with spinning off: between requests its threads sleep instead of spinning on
 * cores the HTTP thread and the workers need. onnxruntime's CPU kernels compute each output the same
 * way whatever the thread count and batch, so a sample's bytes do not depend on where it ran (tested in
 * inline-sessions.test.ts against a worker).
 */
export class InlineSessions {
  private readonly sessions = new Map<string, ort.InferenceSession>();
  /** Runs done here, for tests and metrics. */
  runs = 0;
  /** A run is in progress (one at a time: the scheduler sends the next batch to the workers). */
  busy = false;

  constructor(private readonly intraOpThreads: number = availableParallelism()) {}

  async load(key: string, source: ModelSource): Promise<void> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: this.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
      extra: { session: { intra_op: { allow_spinning: '0' } } },
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
