import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InlineSessions } from './inline-sessions.ts';
import { probeWebgpuProvider } from './webgpu-probe.ts';

/** `a` itself when it is the whole of its buffer (so the buffer can be transferred), else a copy. */
function ownBuffer<T extends Float32Array | Int32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

/** auto: CUDA, then WebGPU (onnxruntime-node's built-in Dawn), then CPU; the others: that one or fail. */
export type DeviceChoice = 'auto' | 'cuda' | 'webgpu' | 'cpu';

/** An ONNX model as a file path or as its bytes. */
export type ModelSource = string | Uint8Array;

/** `webgpuUnusable`: why the WebGPU provider cannot start here (probed once per pool), if it cannot. */
function loadMessage(
  key: string,
  source: ModelSource,
  device: DeviceChoice,
  webgpuUnusable: string | undefined,
): Record<string, unknown> {
  const common = { type: 'load', key, device, webgpuUnusable };
  return typeof source === 'string' ? { ...common, path: source } : { ...common, bytes: source };
}
export type ExecutionProvider = 'cuda' | 'webgpu' | 'cpu';

/** What a worker reports after creating a session. */
export interface LoadedSession {
  readonly provider: ExecutionProvider;
  readonly fallbacks: readonly { provider: string; message: string }[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly { name: string; shape: readonly number[] }[];
  readonly outputs: readonly { name: string; shape: readonly number[] }[];
}

export interface RunRequest {
  readonly key: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly latents: Float32Array;
  readonly n: number;
  readonly latentDim: number;
  /**
   * A class-conditional model's class input and its n class ids (fed as int64 [n]); absent for an
   * unconditional model.
   */
  readonly classes?: { readonly inputName: string; readonly ids: Int32Array };
}

export interface RunResult {
  readonly data: Float32Array;
  readonly dims: readonly number[];
  readonly runMs: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

class SessionWorker {
  readonly worker: Worker;
  busy = false;
  dead = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    intraOpThreads: number,
    nice: number | undefined,
    onExit: (w: SessionWorker, err: Error) => void,
  ) {
    this.worker = new Worker(new URL('./session-worker.mjs', import.meta.url), {
      workerData: { intraOpThreads, nice },
    });
    this.worker.on(
      'message',
      (msg: { id: number; ok: boolean; result?: unknown; error?: { message: string } }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(msg.error?.message ?? 'worker error'));
      },
    );
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.dead) return;
      this.dead = true;
      onExit(this, err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`session worker exited with code ${code}`)));
  }

  call<T>(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }
}

/**
 * Session workers unless told: one per core (at most 8), each session on one intra-op thread. Chosen by
 * measurement on the 2-core machine with the shipped DCGAN (BENCHMARKS.md, `scripts/bench-serve.ts
 * --workers W --threads T --only 1:1,16:1,1:32,16:8`, each run against the naive server interleaved):
 * - 1 worker x 2 threads: earlier 16 x 8 connections 6,384 vs 8,798 samples/s for 2 x 1, 64 x 8 5,794 vs
 *   10,677; with the fast path, at 16 x 8 and 1 x 32, CPU per sample 2.4-2.6x the naive server's where
 *   2 x 1 spent 1.0-1.6x.
 *   ORT's second intra-op thread spin-waits between the small ops of a small batch: CPU the HTTP thread
 *   and the other requests need.
 * - 1 worker x 1 thread: as cheap per sample as 2 x 1 (within the noise of a shared machine), but it
 *   caps inference at one core: 16 x 8 cannot come near raw session.run on both cores, and a lone
 *   16-sample request runs on one core while the other idles.
 * With a worker per core a long batch does not block every other request, and a lone request with
 * several samples is split over the idle workers (batch-split.ts): both cores, as the naive server's two
 * intra-op threads, without their spinning. The HTTP thread shares the cores at a higher priority.
 * Small batches do not spread over every worker (worker-spread.ts): on 2 cores, 1 x 8 was won by one
 * worker alone (1.18x the naive server, against 0.96x for two taking any batch) and 4 x 8 by two.
 */
export function defaultWorkers(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores, 8));
}

export interface WorkerPoolOptions {
  /** Number of worker threads, each with one session per model. */
  readonly workers: number;
  /** Intra-op threads per session; default: the machine's cores divided among the workers. */
  readonly intraOpThreads?: number;
  /**
   * Also hold a CPU session per model on this (the HTTP) thread, for the lone small request
   * (inline-sessions.ts; the scheduler decides when). Models on CUDA or WebGPU get none.
   */
  readonly inline?: boolean;
  /** Intra-op threads of those sessions; default defaultInlineThreads(). */
  readonly inlineThreads?: number;
  /** The worker threads' nice value (engine/thread-priority.mjs); default WORKER_NICE. */
  readonly workerNice?: number;
}

/**
 * Worker threads that each hold one onnxruntime-node session per loaded model. `run` needs an idle
 * worker: the batch scheduler asks `idleCount()` first and is told through `onIdle` when one frees up.
 */
export class WorkerPool {
  private readonly workers: SessionWorker[];
  /** What every worker must hold, so a replacement for a crashed worker can load it again. */
  private readonly sessions = new Map<string, { source: ModelSource; device: DeviceChoice }>();
  private closed = false;
  /** Whether onnxruntime's WebGPU provider can start here: asked once, the first time a device may use it. */
  private webgpuProbe: Promise<string | undefined> | undefined;
  /** Its answer once in: why WebGPU cannot start here (undefined: it can, or nobody asked). */
  private webgpuUnusable: string | undefined;
  readonly intraOpThreads: number;
  /** The worker threads' nice value (undefined: WORKER_NICE). */
  readonly workerNice: number | undefined;
  /** The HTTP thread's own sessions (WorkerPoolOptions.inline), if any. */
  readonly inline: InlineSessions | undefined;
  onIdle: () => void = () => {};
  /** Told when a worker thread dies and is replaced (logs). */
  onWorkerExit: (err: Error) => void = () => {};

  constructor(options: WorkerPoolOptions) {
    const count = Math.max(1, Math.floor(options.workers));
    this.intraOpThreads = options.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / count));
    this.workerNice = options.workerNice;
    this.workers = Array.from({ length: count }, () => this.spawn());
    this.inline = options.inline ? new InlineSessions(options.inlineThreads) : undefined;
  }

  private spawn(): SessionWorker {
    return new SessionWorker(this.intraOpThreads, this.workerNice, (dead, err) => this.replace(dead, err));
  }

  /** A worker died (native crash, out of memory): its requests have failed; start another with the same sessions. */
  private replace(dead: SessionWorker, err: Error): void {
    const i = this.workers.indexOf(dead);
    if (this.closed || i < 0) return;
    this.onWorkerExit(err);
    const fresh = this.spawn();
    fresh.busy = true; // not schedulable until its sessions are loaded
    this.workers[i] = fresh;
    void Promise.allSettled(
      [...this.sessions].map(([key, s]) =>
        fresh.call(loadMessage(key, s.source, s.device, this.webgpuUnusable)),
      ),
    ).then(() => {
      fresh.busy = false;
      this.onIdle();
    });
  }

  get size(): number {
    return this.workers.length;
  }

  idleCount(): number {
    if (this.closed) return 0;
    let idle = 0;
    for (const w of this.workers) if (!w.busy && !w.dead) idle++;
    return idle;
  }

  /**
   * Creates the session in every worker from a file path or from the model's bytes (each worker gets
   * its own copy); all must agree on the execution provider.
   */
  async load(key: string, source: ModelSource, device: DeviceChoice): Promise<LoadedSession> {
    if (device === 'auto' || device === 'webgpu') {
      this.webgpuUnusable = await (this.webgpuProbe ??= probeWebgpuProvider());
    }
    const results = await Promise.allSettled(
      this.workers.map((w) => w.call<LoadedSession>(loadMessage(key, source, device, this.webgpuUnusable))),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.unload(key);
      throw (failed as PromiseRejectedResult).reason;
    }
    this.sessions.set(key, { source, device });
    const loaded = (results[0] as PromiseFulfilledResult<LoadedSession>).value;
    if (this.inline && loaded.provider === 'cpu') {
      try {
        await this.inline.load(key, source);
      } catch (e) {
        await this.unload(key);
        throw e;
      }
    }
    return loaded;
  }

  async unload(key: string): Promise<void> {
    this.sessions.delete(key);
    await Promise.allSettled([
      ...this.workers.map((w) => w.call({ type: 'unload', key })),
      this.inline?.unload(key),
    ]);
  }

  /** Whether `key` can run on this thread now: its inline session is loaded and idle, and so is every worker. */
  canRunInline(key: string): boolean {
    return (
      !this.closed &&
      this.inline !== undefined &&
      !this.inline.busy &&
      this.inline.has(key) &&
      this.idleCount() === this.size
    );
  }

  /** Runs on this thread's session for `key` (blocks it for the run); callers check `canRunInline` first. */
  runInline(req: RunRequest): Promise<RunResult> {
    if (!this.inline || this.closed) return Promise.reject(new Error('no inline session'));
    return this.inline.run(req);
  }

  /** Runs on an idle worker (throws if none is idle: callers check `idleCount()`). */
  async run(req: RunRequest): Promise<RunResult> {
    const w = this.workers.find((x) => !x.busy && !x.dead);
    if (!w || this.closed) throw new Error('no idle session worker');
    return this.runOn(w, req);
  }

  /** Runs once on every worker and inline session (warm-up: each session's first run allocates and plans). */
  async runOnEach(req: RunRequest): Promise<RunResult[]> {
    return Promise.all([
      ...(this.inline?.has(req.key) ? [this.inline.run({ ...req, latents: req.latents.slice() })] : []),
      ...this.workers.map((w) =>
        w.call<RunResult>({
          type: 'run',
          ...req,
          latents: req.latents.slice(),
          ...(req.classes ? { classes: { ...req.classes, ids: req.classes.ids.slice() } } : {}),
        }),
      ),
    ]);
  }

  private async runOn(w: SessionWorker, req: RunRequest): Promise<RunResult> {
    w.busy = true;
    try {
      const latents = ownBuffer(req.latents);
      const ids = req.classes && ownBuffer(req.classes.ids);
      const transfer = [latents.buffer as ArrayBuffer, ...(ids ? [ids.buffer as ArrayBuffer] : [])];
      const classes = req.classes && ids ? { classes: { inputName: req.classes.inputName, ids } } : {};
      return await w.call<RunResult>({ type: 'run', ...req, latents, ...classes }, transfer);
    } finally {
      w.busy = false;
      queueMicrotask(() => this.onIdle());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.map((w) => w.worker.terminate()), this.inline?.close()]);
  }
}
