/**
 * The server's numeric settings, written once: each one's default, its allowed range, its CLI flag and
 * help. `createServer` takes its defaults from here and `ganforge serve` builds its options from here,
 * so the two cannot disagree.
 *
 * Per-model limits: a model's card may lower `maxBatch` and `maxN` for that model (its optional
 * `serving: { maxBatch, maxSamplesPerRequest }` section, validated by the card schema in
 * @ganforge/core). The rule is effective = min(card value, this setting): the setting here (flag or
 * default) is the server-wide ceiling and the value for models whose card says nothing; a card can
 * only lower it, never raise it. See registry/serving-limits.ts for why.
 */
import { WORKER_NICE } from './engine/thread-priority.mjs';

export interface NumericSetting {
  /** The `ganforge serve` flag, with its value name. */
  readonly flag: string;
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export const SERVE_SETTINGS = {
  workers: {
    flag: '--workers <n>',
    description: 'session worker threads, each holding one session per model (0 = one per core, at most 8)',
    default: 0,
    min: 0,
    max: 64,
  },
  intraOpThreads: {
    flag: '--threads <n>',
    description: 'intra-op threads per session (0 = cores / workers)',
    default: 0,
    min: 0,
    max: 256,
  },
  maxBatch: {
    flag: '--max-batch <n>',
    description: 'dynamic batching: most latents per session.run',
    default: 64,
    min: 1,
    max: 4096,
  },
  maxDelayMs: {
    flag: '--max-delay-ms <ms>',
    description:
      'dynamic batching: how long an idle worker waits for a batch to fill (0 = start at once with what is queued)',
    default: 0,
    min: 0,
    max: 10_000,
  },
  // A second worker costs a hop and a core the HTTP thread needs for small requests: small batches wait
  // for a running worker instead (engine/worker-spread.ts, where the measurement is).
  spreadMinSamples: {
    flag: '--spread-min <n>',
    description:
      "a batch starts on a further worker while the cores less one are running batches, or is split over idle workers, only with at least n samples (parts of n or more); a smaller one waits for its model's running batch to finish and joins the next (1 = any batch on any idle worker)",
    default: 8,
    min: 1,
    max: 4096,
  },
  // A lone client's request runs inline when its run is short: there the hop to a worker and back
  // (~0.3 ms here, two thread wake-ups) is a large part of the request, and inline has none. A long run
  // gains nothing from it: split over the one-thread workers it spent 35% less CPU per sample at 64
  // samples for the same samples/s, and leaves the HTTP thread free. So the bound is a run time
  // (--inline-max-ms, 10), with the sample count (--inline-max, up to the max batch) a cap. Measured on
  // the 2-core machine against the naive server, alternating (BENCHMARKS.md, "A lone client's larger
  // requests"): at 16 x 1 inline matched the split on a calm machine and beat it on a busy one (0.45-0.75x
  // of the naive server split, 0.81-1.03x inline), for 30-40% more CPU; at 64 x 1 it gained nothing.
  inlineMaxSamples: {
    flag: '--inline-max <n>',
    description:
      "a lone client (one client connection open; probes and metric scrapes do not count): its request of at most n samples (and at most the model's max batch) that finds every worker idle runs at once on the HTTP thread (no hop to a worker; 0 = never)",
    default: 64,
    min: 0,
    max: 4096,
  },
  inlineMaxMs: {
    flag: '--inline-max-ms <ms>',
    description:
      "a lone client's request runs inline (--inline-max) only if the model's recent runs say it takes at most this long: longer runs lose little to the hop to a worker and spend less CPU split over the workers; also the longest a probe or metrics scrape waits behind an inline run",
    default: 10,
    min: 0,
    max: 10_000,
  },
  inlineThreads: {
    flag: '--inline-threads <n>',
    description:
      "intra-op threads of the HTTP thread's own sessions, the ones --inline-max uses (0 = two, one on a single core)",
    default: 0,
    min: 0,
    max: 256,
  },
  workerNice: {
    flag: '--worker-nice <n>',
    description:
      'nice value of the session workers and JSON encoders, below the HTTP thread so it answers at once under overload (0 = same as it)',
    default: WORKER_NICE,
    min: 0,
    max: 19,
  },
  queueLimit: {
    flag: '--queue-limit <n>',
    description: 'samples in progress (waiting, generating, sending) before new requests get 429',
    default: 4096,
    min: 1,
    max: 100_000_000,
  },
  maxN: { flag: '--max-n <n>', description: 'most samples per request', default: 256, min: 1, max: 65_536 },
  requestTimeoutMs: {
    flag: '--timeout-ms <ms>',
    description: 'per-request deadline (504 past it); a quarter of it is the most queued work admitted',
    default: 30_000,
    min: 1,
    max: 3_600_000,
  },
  maxBodyBytes: {
    flag: '--max-body-bytes <n>',
    description: 'largest JSON body (413 past it)',
    default: 1 << 20,
    min: 64,
    max: 1 << 30,
  },
  drainTimeoutMs: {
    flag: '--drain-timeout-ms <ms>',
    description: 'on SIGTERM/SIGINT, how long in-flight requests may take before connections are cut',
    default: 10_000,
    min: 0,
    max: 3_600_000,
  },
  grpcPort: {
    flag: '--grpc-port <n>',
    description:
      'also serve the Open Inference Protocol over gRPC on this port, once the models are loaded (0 = any free port, -1 = off)',
    default: -1,
    min: -1,
    max: 65_535,
  },
} as const satisfies Record<string, NumericSetting>;

export type NumericSettingName = keyof typeof SERVE_SETTINGS;

/** A setting's value: the given one, else its default (0 for workers/threads means "choose by cores"). */
export function setting(name: NumericSettingName, given: number | undefined): number {
  return given ?? SERVE_SETTINGS[name].default;
}
