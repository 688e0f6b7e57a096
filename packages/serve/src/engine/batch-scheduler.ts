// About 400 lines on purpose: admission, batch forming, dispatch over the workers and draining act on
// the same per-model queues and timer, and read best as one state machine (one queue: model-queue.ts).
import { GanforgeError } from '@ganforge/core';
import { joinRows, requestsIn, splitRows } from './batch-split.ts';
import { ModelQueue, type BatchTarget, type Job } from './model-queue.ts';
import { mayStart, splitParts, UNLIMITED_SPREAD, type WorkerSpread } from './worker-spread.ts';
import type { RunRequest, RunResult, WorkerPool } from './worker-pool.ts';

export type { BatchTarget } from './model-queue.ts';

/** How one model's requests are merged into batches. */
export interface BatchingOptions {
  /**
   * A batch holds at most this many latents: the server-wide cap. A model's target may ask for fewer
   * (BatchTarget.maxBatch, from its card), never more.
   */
  readonly maxBatch: number;
  /**
   * 0 (the default of `ganforge serve`): a batch starts as soon as a worker is idle, with whatever
   * waited while the workers were busy (continuous batching: no request waits for company when a
   * worker could run it). Above 0: an idle worker also waits until the oldest request has waited
   * this long or maxBatch latents are queued (bigger batches at low load, at a latency cost).
   */
  readonly maxDelayMs: number;
  /** Samples waiting (not yet running) per model past which requests are refused with 429. */
  readonly queueLimit: number;
  /**
   * A batch of at most this many samples (and at most the model's max batch) that finds every worker
   * idle and nothing else waiting runs on the HTTP thread's own session (WorkerPool.runInline), without
   * the hop to a worker and back; 0 = never (the default here; the server's is in settings.ts).
   */
  readonly inlineMaxSamples?: number;
  /**
   * ...and only if its run is expected to take at most this many milliseconds (from the model's recent
   * runs, ModelQueue.estimateMs): the longest an inline run may hold the HTTP thread, and so a monitor's
   * request (probe, scrape) that arrives meanwhile. Default: no limit.
   */
  readonly inlineMaxMs?: number;
  /**
   * Whether running inline is allowed right now (default: always). The server allows it while a single
   * client is connected: an inline run blocks the HTTP thread, so with several clients their requests
   * would wait unread instead of queueing for the workers (and for a batch).
   */
  readonly inlineWhen?: () => boolean;
  /**
   * How far small batches spread over the workers (worker-spread.ts): a batch starts on a worker while
   * `freeWorkers` others run, or is split into parts, only with `minSamples` samples or more. Default:
   * no limit (every idle worker takes any batch; a lone batch splits over all of them).
   */
  readonly spread?: WorkerSpread;
}

/** Observers for metrics; all optional. */
export interface BatchObserver {
  /** `inline`: the batch ran on the HTTP thread's own session (WorkerPool.runInline), not a worker. */
  onBatch?(model: string, size: number, requests: number, runMs: number, inline: boolean): void;
  onQueueWait?(model: string, seconds: number): void;
}

/**
 * Dynamic batching (as Triton's dynamic batcher): requests for one model wait in its queue and are
 * merged into one `session.run` when a worker is free (and, with maxDelayMs > 0, either the model's
 * maxBatch latents are waiting or the oldest request has waited maxDelayMs); the output rows go back
 * to each request in order, as views of the batch's one output buffer (no copy). One model's queue,
 * and how a batch is taken from it, is engine/model-queue.ts.
 */
export class BatchScheduler {
  private readonly queues = new Map<string, ModelQueue>();
  /** Queues of replaced or removed versions, kept until what they accepted has run. */
  private readonly retired: ModelQueue[] = [];
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;
  /** Moving average of session.run time, for the Retry-After estimate. */
  private runMsAverage = 10;
  /** `drained` callers, told when their session has nothing waiting or running. */
  private readonly drainWaiters: { key: string | undefined; resolve: () => void }[] = [];
  private readonly spread: WorkerSpread;

  constructor(
    private readonly pool: WorkerPool,
    private readonly options: BatchingOptions,
    private readonly observer: BatchObserver = {},
  ) {
    this.spread = options.spread ?? UNLIMITED_SPREAD;
    pool.onIdle = () => this.pump();
  }

  /** Adds or replaces the target for a model name; requests already queued run on the new target. */
  setTarget(name: string, target: BatchTarget): void {
    const q = this.queues.get(name);
    if (q) {
      const next = new ModelQueue(name, target, this.options.maxBatch);
      next.jobs.push(...q.jobs);
      this.queues.set(name, next);
      // In-flight batches of the old queue finish on the old session; see `drained`.
      this.retired.push(q);
    } else this.queues.set(name, new ModelQueue(name, target, this.options.maxBatch));
  }

  /** Removes a model from new requests; the ones already accepted (waiting or running) still finish. */
  remove(name: string): void {
    const q = this.queues.get(name);
    if (!q) return;
    this.queues.delete(name);
    this.retired.push(q);
    this.pump();
  }

  /**
   * Resolves when no request for session `key` (for any session, without a key) is waiting or
   * running: the session can be released, the server can close.
   */
  drained(key?: string): Promise<void> {
    return new Promise((resolve) => {
      this.drainWaiters.push({ key, resolve });
      this.notifyDrained();
    });
  }

  private busy(key: string | undefined): boolean {
    return [...this.queues.values(), ...this.retired].some(
      (q) => (key === undefined || q.target.key === key) && (q.running > 0 || q.jobs.length > 0),
    );
  }

  /** Resolves the `drained` promises whose session has gone quiet; forgets retired queues that have. */
  private notifyDrained(): void {
    for (let i = this.drainWaiters.length - 1; i >= 0; i--) {
      const w = this.drainWaiters[i]!;
      if (this.busy(w.key)) continue;
      this.drainWaiters.splice(i, 1);
      for (let k = this.retired.length - 1; k >= 0; k--) {
        if (w.key === undefined || this.retired[k]!.target.key === w.key) this.retired.splice(k, 1);
      }
      w.resolve();
    }
  }

  queueDepth(name: string): number {
    return this.queues.get(name)?.jobs.length ?? 0;
  }

  /**
   * Queues `n` latents for `name` (and, for a class-conditional model, their n class ids: requests with
   * different classes share a batch, the ids joined in the same order as the latents); resolves with n
   * images, NHWC float32, row-major.
   */
  submit(
    name: string,
    latents: Float32Array,
    n: number,
    deadlineMs: number,
    classes?: Int32Array,
  ): Promise<Float32Array> {
    const q = this.queues.get(name);
    if (!q)
      return Promise.reject(
        new GanforgeError('model_not_found', `model '${name}' is not loaded`, { status: 404 }),
      );
    if (
      (q.target.classInputName !== undefined) !== (classes !== undefined) ||
      (classes && classes.length !== n)
    )
      return Promise.reject(
        new GanforgeError(
          'internal',
          `model '${name}': ${q.target.classInputName ? `expected ${n} class ids` : 'takes no class ids'}`,
          { status: 500 },
        ),
      );
    if (q.jobs.length > 0 && q.rows() + n > this.options.queueLimit) {
      return Promise.reject(
        Object.assign(
          new GanforgeError(
            'queue_full',
            `the queue for model '${name}' is full (${q.rows()} samples waiting, limit ${this.options.queueLimit})`,
            {
              status: 429,
              hint: 'retry after the time in the Retry-After header',
            },
          ),
          { retryAfterSeconds: this.retryAfterSeconds(q) },
        ),
      );
    }
    // A lone small request runs at once on this thread's session, without a queued job's bookkeeping
    // (with a queue delay it waits for company like any other: pump decides).
    if (this.runsAtOnce(q, n)) return this.runAlone(q, latents, n, classes);
    return new Promise<Float32Array>((resolve, reject) => {
      const job: Job = {
        latents,
        n,
        classes,
        enqueuedAt: performance.now(),
        resolve,
        reject,
        timer: undefined,
        settled: false,
      };
      job.timer = setTimeout(() => {
        const idx = q.jobs.indexOf(job);
        if (idx >= 0) q.jobs.splice(idx, 1);
        this.notifyDrained();
        this.settle(
          job,
          new GanforgeError('deadline_exceeded', `the request did not finish within ${deadlineMs} ms`, {
            status: 504,
            hint: 'ask for fewer samples or retry when the server is less busy',
          }),
        );
      }, deadlineMs);
      q.jobs.push(job);
      this.pump();
    });
  }

  /**
   * The inline lane's entry (http/inline-lane.ts): the run `submit` would start on this thread at once
   * for an unconditional model's `n` latents, or undefined where `submit` would do anything else
   * (queue it, refuse it, or reject it), the caller then submitting as usual. Same run, same
   * bookkeeping and metrics as `submit`'s; the difference is what the caller skips around it.
   */
  runLone(name: string, latents: Float32Array, n: number): Promise<Float32Array> | undefined {
    const q = this.queues.get(name);
    if (!q || q.target.classInputName !== undefined || !this.runsAtOnce(q, n)) return undefined;
    return this.runAlone(q, latents, n, undefined);
  }

  /** Whether `n` samples for `q` run at once on this thread: no queue delay, nothing waiting, inline allowed. */
  private runsAtOnce(q: ModelQueue, n: number): boolean {
    return (
      this.options.maxDelayMs <= 0 && q.jobs.length === 0 && this.nothingWaiting() && this.inlineAllowed(q, n)
    );
  }

  /** Seconds until the queue has likely drained: its batches times the average run time (at least 1). */
  private retryAfterSeconds(q: ModelQueue): number {
    return Math.max(1, Math.ceil(this.secondsFor(q.rows(), q.maxBatch)));
  }

  /**
   * About how long the workers take to generate `samples` samples in batches of `maxBatch` (default:
   * the server-wide cap), from the recent run times.
   */
  secondsFor(samples: number, maxBatch = this.options.maxBatch): number {
    const batches = Math.ceil(samples / maxBatch) + 1;
    return (batches * this.runMsAverage) / 1000 / Math.max(1, this.pool.size);
  }

  private settle(job: Job, result: Float32Array | Error): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
  }

  /** Starts every batch that is due and for which a worker is idle; re-arms the delay timer. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    let nextDue = Infinity;
    /** Queues whose batch waits for a running worker (worker-spread.ts), not for the delay timer. */
    const held = new Set<ModelQueue>();
    // Retired queues (a removed model) still drain what they accepted.
    const queues = [...this.queues.values(), ...this.retired.filter((q) => q.jobs.length > 0)];
    // Round-robin over models so one busy model cannot starve the others.
    for (let k = 0; k < queues.length && this.pool.idleCount() > 0; k++) {
      const q = queues[(this.cursor + k) % queues.length]!;
      while (q.jobs.length > 0 && this.pool.idleCount() > 0) {
        const rows = q.rows();
        // Too small for one more worker while others run, one of them this model's batch: it waits for
        // that one to finish (no timer: its end pumps), joined there by what arrives meanwhile. Never
        // behind another model's batch alone: that would add its run to this one's latency.
        if (
          q.running > 0 &&
          !mayStart(this.spread, this.pool.size - this.pool.idleCount(), rows, q.maxBatch)
        ) {
          held.add(q);
          break;
        }
        const due = q.jobs[0]!.enqueuedAt + this.options.maxDelayMs;
        if (rows < q.maxBatch && due > now) {
          nextDue = Math.min(nextDue, due);
          break;
        }
        const jobs = q.take();
        const samples = jobs.reduce((s, j) => s + j.n, 0);
        // Nothing else waiting: the workers that would stay idle run parts of this batch (batch-split.ts),
        // parts big enough to pay for their hop (worker-spread.ts)...
        const alone = q.jobs.length === 0 && queues.every((o) => o === q || o.jobs.length === 0);
        // ...or, when it is small and every worker is idle, this thread runs it at once (inline-sessions.ts).
        const inline = alone && this.inlineAllowed(q, samples);
        this.start(
          q,
          jobs,
          inline ? 'inline' : alone ? splitParts(this.spread, this.pool.idleCount(), samples, q.maxBatch) : 1,
        );
      }
    }
    this.cursor++;
    for (const q of queues) {
      if (q.jobs.length > 0 && !held.has(q))
        nextDue = Math.min(nextDue, q.jobs[0]!.enqueuedAt + this.options.maxDelayMs);
    }
    if (nextDue !== Infinity && this.pool.idleCount() > 0) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextDue - now));
    }
  }

  /** Whether a batch of `samples` for `q` may run on this thread's session now (inline-sessions.ts). */
  private inlineAllowed(q: ModelQueue, samples: number): boolean {
    return (
      samples <= (this.options.inlineMaxSamples ?? 0) &&
      samples <= q.maxBatch &&
      q.estimateMs(samples) <= (this.options.inlineMaxMs ?? Infinity) &&
      this.pool.canRunInline(q.target.key) &&
      (this.options.inlineWhen?.() ?? true)
    );
  }

  private nothingWaiting(): boolean {
    for (const q of this.queues.values()) if (q.jobs.length > 0) return false;
    for (const q of this.retired) if (q.jobs.length > 0) return false;
    return true;
  }

  /**
   * A request that found nothing waiting and may run inline: one run on this thread's session, as
   * `start` would run it as a batch of one, minus what only a queued job needs (its deadline timer:
   * the run blocks this thread, so no timer could fire before it ends; the split over workers; the
   * rows handed back per job). Same metrics as a batch of one.
   */
  private runAlone(
    q: ModelQueue,
    latents: Float32Array,
    n: number,
    classes: Int32Array | undefined,
  ): Promise<Float32Array> {
    this.observer.onQueueWait?.(q.name, 0);
    q.running++;
    // One promise step from the session's answer to the caller's (no async function around it): on a
    // lone client's path every step runs cold (http/inline-lane.ts).
    const done = () => {
      q.running--;
      this.notifyDrained();
    };
    return this.pool.runInline(runRequest(q, latents, n, classes)).then(
      (result) => {
        try {
          return this.ran(q, n, 1, result, true);
        } catch (e) {
          throw inferenceFailed(q.name, e);
        } finally {
          done();
        }
      },
      (e: unknown) => {
        done();
        throw inferenceFailed(q.name, e);
      },
    );
  }

  /** A run of `size` latents for `requests` requests has finished: metrics, the run-time average; its rows. */
  private ran(
    q: ModelQueue,
    size: number,
    requests: number,
    result: RunResult,
    inline: boolean,
  ): Float32Array {
    this.observer.onBatch?.(q.name, size, requests, result.runMs, inline);
    this.runMsAverage = 0.8 * this.runMsAverage + 0.2 * result.runMs;
    q.observeRun(size, result.runMs);
    return result.data;
  }

  /**
   * Runs `jobs` as one batch, in `parts` session.runs on as many idle workers (at most one per row), or
   * in one run on this thread's session ('inline').
   */
  private start(q: ModelQueue, jobs: Job[], parts: number | 'inline'): void {
    const { latentDim } = q.target;
    const n = jobs.reduce((s, j) => s + j.n, 0);
    const latents = new Float32Array(n * latentDim);
    const classInputName = q.target.classInputName;
    const ids = classInputName === undefined ? undefined : new Int32Array(n);
    let offset = 0;
    const now = performance.now();
    for (const j of jobs) {
      latents.set(j.latents, offset * latentDim);
      if (ids && j.classes) ids.set(j.classes, offset);
      offset += j.n;
      this.observer.onQueueWait?.(q.name, (now - j.enqueuedAt) / 1000);
    }
    const ranges = splitRows(n, parts === 'inline' ? 1 : parts);
    const run = (req: RunRequest): Promise<RunResult> =>
      parts === 'inline' ? this.pool.runInline(req) : this.pool.run(req);
    const sizes = ranges.length === 1 ? undefined : jobs.map((j) => j.n);
    q.running += ranges.length;
    const runs = ranges.map(([start, end]) =>
      run(
        ranges.length === 1
          ? runRequest(q, latents, n, ids)
          : runRequest(
              q,
              latents.slice(start * latentDim, end * latentDim),
              end - start,
              ids?.slice(start, end),
            ),
      ).then((result: RunResult) =>
        this.ran(
          q,
          end - start,
          sizes ? requestsIn(sizes, start, end) : jobs.length,
          result,
          parts === 'inline',
        ),
      ),
    );
    // Every part settled (not just the first failure) before the batch stops counting as running: its
    // session must not be released under a part still in a worker.
    void Promise.allSettled(runs).then((settled) => {
      q.running -= ranges.length;
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) {
        const err = inferenceFailed(q.name, failed.reason);
        for (const j of jobs) this.settle(j, err);
      } else {
        const data = joinRows(settled.map((r) => (r as PromiseFulfilledResult<Float32Array>).value));
        const per = n === 0 ? 0 : data.length / n;
        let row = 0;
        for (const j of jobs) {
          this.settle(j, data.subarray(row * per, (row + j.n) * per));
          row += j.n;
        }
      }
      this.notifyDrained();
    });
  }

  /** Refuses everything still waiting (shutdown). */
  close(): void {
    clearTimeout(this.timer);
    for (const q of [...this.queues.values(), ...this.retired]) {
      for (const j of q.jobs.splice(0))
        this.settle(j, new GanforgeError('shutting_down', 'the server is shutting down', { status: 503 }));
    }
    this.notifyDrained();
  }
}

/** The run of `n` latents (and, for a class-conditional target, their class ids) on `q`'s session. */
function runRequest(
  q: ModelQueue,
  latents: Float32Array,
  n: number,
  ids: Int32Array | undefined,
): RunRequest {
  const { key, inputName, outputName, latentDim, classInputName } = q.target;
  return {
    key,
    inputName,
    outputName,
    latents,
    n,
    latentDim,
    ...(ids && classInputName !== undefined ? { classes: { inputName: classInputName, ids } } : {}),
  };
}

function inferenceFailed(model: string, e: unknown): GanforgeError {
  return new GanforgeError(
    'inference_failed',
    `inference failed for model '${model}': ${e instanceof Error ? e.message : String(e)}`,
    { status: 500 },
  );
}
