import type { Express } from 'express';
import type { Logger } from 'pino';
import type { DeviceChoice } from '../engine/worker-pool.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import type { ServeMetrics } from './metrics.ts';

/**
 * Everything `ganforge serve` can be told; every field but modelsDir has a default. The numeric ones'
 * defaults and ranges are in settings.ts (SERVE_SETTINGS), which the CLI's options are built from.
 */
export interface ServeOptions {
  /** Folder of <name>/model.onnx + <name>/card.json. */
  readonly modelsDir: string;
  /**
   * Execution provider: auto tries CUDA, then WebGPU, then CPU; cuda and webgpu fail to load models when
   * theirs is missing.
   */
  readonly device?: DeviceChoice;
  /** Session worker threads (each holds one session per model). Default: one per core (defaultWorkers). */
  readonly workers?: number;
  /** Intra-op threads per session. Default: cores / workers (1 with the default workers). */
  readonly intraOpThreads?: number;
  /**
   * Dynamic batching: most latents per session.run (a model's card may lower it for that model:
   * `serving.maxBatch`; the smaller of the two applies, see registry/serving-limits.ts)...
   */
  readonly maxBatch?: number;
  /**
   * ...and how long an idle worker waits for a batch to fill (0: it starts at once with what is
   * queued; batches form from the requests that arrive while the workers are busy).
   */
  readonly maxDelayMs?: number;
  /**
   * A batch starts on a further worker while (cores - 1) run, or is split over idle workers, only with
   * at least this many samples (engine/worker-spread.ts); 1 = any batch on any idle worker.
   */
  readonly spreadMinSamples?: number;
  /**
   * A lone client's request (one client connection open: health probes and metric scrapes do not
   * count, http/client-connections.ts) of at most this many samples that finds every worker idle and
   * nothing queued runs on the HTTP thread's own session (engine/inline-sessions.ts); 0 = never.
   */
  readonly inlineMaxSamples?: number;
  /**
   * ...if the model's recent runs say such a run takes at most this many milliseconds: how long an
   * inline run may hold the HTTP thread (and a probe that arrives meanwhile).
   */
  readonly inlineMaxMs?: number;
  /** Intra-op threads of those HTTP-thread sessions. Default: defaultInlineThreads() (two, one on one core). */
  readonly inlineThreads?: number;
  /**
   * Nice value of the session workers and JSON encoder threads (engine/thread-priority.mjs, default 2):
   * below the HTTP thread, so health checks and 429s are answered at once under overload.
   */
  readonly workerNice?: number;
  /**
   * Admission control: samples in progress (waiting, generating, or being encoded and sent) across the
   * server before new requests get 429 with Retry-After. Counting samples, not requests, keeps
   * 256-sample requests from piling up minutes of work behind a limit meant for small ones.
   */
  readonly queueLimit?: number;
  /**
   * Most samples per request (a model's card may lower it for that model:
   * `serving.maxSamplesPerRequest`; the smaller of the two applies).
   */
  readonly maxN?: number;
  /** Per-request deadline in ms -> 504. */
  readonly requestTimeoutMs?: number;
  /** Largest JSON body in bytes -> 413. */
  readonly maxBodyBytes?: number;
  /** Allowed CORS origins; ['*'] (default) allows any page to embed the images; [] turns CORS off. */
  readonly corsOrigins?: readonly string[];
  /** Requests per IP per window; undefined (default) = no rate limit. */
  readonly rateLimit?: { readonly windowMs: number; readonly limit: number };
  /** Reload models when the folder changes (default true). */
  readonly watch?: boolean;
  /** How long close() waits for in-flight requests before cutting connections (ms). */
  readonly drainTimeoutMs?: number;
  /**
   * Also serve the Open Inference Protocol over gRPC (grpc/) on this port, from listen() once the models
   * are loaded: 0 = any free port; -1 (default) = off.
   */
  readonly grpcPort?: number;
  /** The gRPC listener's address (default: the one listen() is given). */
  readonly grpcHost?: string;
  readonly logger?: Logger;
  readonly logLevel?: string;
  readonly version?: string;
  /**
   * Extra routes mounted after the health/metrics routes and before the API and the 404 handler, e.g.
   * the browser sampler (`mountWeb` from @ganforge/web, which serve itself does not depend on).
   */
  readonly mount?: (app: Express) => void;
  /**
   * Internal: false sends every request through Express, fast-path.ts's routes included (the tests that
   * pin the two paths' equal answers). Default true; off anyway with a rate limit.
   */
  readonly fastPath?: boolean;
}

export interface GanforgeServer {
  readonly app: Express;
  readonly registry: ModelRegistry;
  readonly metrics: ServeMetrics;
  readonly logger: Logger;
  /** Resolves after the first scan of the models folder (every model loaded and warmed, or failed). */
  readonly loaded: Promise<void>;
  /** HTTP at once; then gRPC (with grpcPort), once the models are loaded. */
  listen(
    port?: number,
    host?: string,
  ): Promise<{
    port: number;
    host: string;
    url: string;
    grpc?: { port: number; host: string; address: string };
  }>;
  /** Stops accepting requests, lets in-flight ones finish (up to drainTimeoutMs), then frees the sessions. */
  close(): Promise<void>;
}
