import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { ModelSource, RunRequest, RunResult } from './worker-pool.ts';

/**
 * Intra-op threads of the HTTP thread's sessions unless told (`--inline-threads`): two, with
 * onnxruntime's default spin-waiting (one on a single core). Chosen by measurement on the 2-core machine
 * with the shipped DCGAN at one connection, the only case these sessions serve: one thread against two,
 * each run against the naive server in the same run (BENCHMARKS.md, "The HTTP thread's own session: two
 * intra-op threads"). Over five pairs two threads served 1 x 1 at 0.70-0.96x the naive server against
 * 0.48-0.68x with one, and 4 x 1 at 0.83-0.95x against 0.58-0.77x, on a machine busy with other work;
 * on a quiet one, alone, the two had measured alike. Two spend up to twice the CPU per run (the second
 * thread spins between the small ops of a small batch), CPU that is idle here: these sessions run only
 * when every worker is idle and one client is connected. The naive server's session is onnxruntime's
 * default, one spinning thread per core. Capped at two: not measured past two cores, where more
 * spinning threads would take the cores the workers run on once a second client connects.
 */
export function defaultInlineThreads(cores: number = availableParallelism()): number {
  return Math.min(2, Math.max(1, cores));
}

/**
 * One CPU session per model on the HTTP thread, for the request that arrives when every worker is idle
 * and nothing else waits (BatchScheduler, `inlineMaxSamples`): it runs at once, with no hop to a worker
 * thread and back: the lone small request is the case where a server without workers (one
 * `session.run` per request on its main thread) was faster. Its run blocks the HTTP thread for that
 * long, which is why the scheduler sends it only small requests, and only when nothing else waits.
 *
 * Its intra-op threads: defaultInlineThreads(). The CPU kernels compute each output the same way
 * whatever the thread count and batch, so a sample's bytes do not depend on where it ran (tested in
 * inline-sessions.test.ts against a worker).
 */
export class InlineSessions {
  private readonly sessions = new Map<string, ort.InferenceSession>();
  /** Runs done here, for tests and metrics. */
  runs = 0;
  /** A run is in progress (one at a time: the scheduler sends the next batch to the workers). */
  busy = false;

  constructor(readonly intraOpThreads: number = defaultInlineThreads()) {}

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
  run(req: RunRequest): Promise<RunResult> {
    const s = this.sessions.get(req.key);
    if (!s) return Promise.reject(new Error(`no inline session '${req.key}'`));
    let feeds: Record<string, ort.Tensor>;
    try {
      feeds = { [req.inputName]: new ort.Tensor('float32', req.latents, [req.n, req.latentDim]) };
      if (req.classes) {
        const ids = BigInt64Array.from(req.classes.ids, (c) => BigInt(c));
        feeds[req.classes.inputName] = new ort.Tensor('int64', ids, [req.n]);
      }
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const started = performance.now();
    this.busy = true;
    // A plain promise step rather than an async function: see BatchScheduler.runAlone.
    return s.run(feeds, [req.outputName]).then(
      (out) => {
        this.busy = false;
        const runMs = performance.now() - started;
        this.runs++;
        const tensor = out[req.outputName]!;
        return { data: tensor.data as Float32Array, dims: [...tensor.dims], runMs };
      },
      (e: unknown) => {
        this.busy = false;
        throw e;
      },
    );
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.release()));
  }
}
