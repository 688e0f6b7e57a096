import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { SERVE_SETTINGS } from '../settings.ts';
import { defaultWorkers } from '../engine/worker-pool.ts';
import { defaultInlineThreads } from '../engine/inline-sessions.ts';
import { NAIVE_CHILD, startServer, type BenchServer } from './bench-servers.ts';
import { startBusyLoops } from './busy-loops.ts';
import { checkTargets, formatTargets, sliceRange } from './targets.ts';
import {
  interleaved,
  interleavedAll,
  load,
  loneLatency,
  mergeLoads,
  mergeLone,
  requestFor,
  type BenchModel,
  type LoadResult,
  type LoadScenario,
  type LoneLatency,
  cpuUsPerSample,
} from './load.ts';

export type { LoadResult, LoadScenario, LoneLatency } from './load.ts';

export interface ServeBenchOptions {
  readonly modelsDir: string;
  readonly model: string;
  /** Seconds per load scenario and server (and per raw measurement). */
  readonly durationS?: number;
  /**
   * Each scenario's time is split into this many slices per server, run interleaved with the naive
   * server's in ABBA order (default 2), so the machine's background load falls on both alike.
   */
  readonly rounds?: number;
  /**
   * Seconds of load on each server before anything is measured, in pieces of about a second taken in
   * turns (default 4): the first row's scenario, discarded. Without it the first row measured a cold
   * start: on the 2-core machine ganforge's first 1.3 s slice of 1 x 1 ran at 1,020-1,460 samples/s
   * against 3,000-3,400 a few slices later, the naive server's at 1,620-2,520 against 3,000-3,500, and
   * ganforge, measured first in every row then, took most of it (BENCHMARKS.md, "A warm-up before the
   * first row").
   */
  readonly warmUpS?: number;
  readonly workers?: number;
  readonly intraOpThreads?: number;
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  /** ganforge's --inline-max (default: the server's default). */
  readonly inlineMaxSamples?: number;
  /** ganforge's --inline-max-ms (default: the server's default). */
  readonly inlineMaxMs?: number;
  /** ganforge's --inline-threads (default: the server's default). */
  readonly inlineThreads?: number;
  /** ganforge's --spread-min (default: the server's default). */
  readonly spreadMinSamples?: number;
  /** ganforge's --worker-nice (default: the server's default). */
  readonly workerNice?: number;
  /**
   * Processes that each spin a core at normal priority throughout the run, servers and raw alike:
   * a machine shared with other work, such as a training run (default 0).
   */
  readonly busy?: number;
  readonly scenarios?: readonly LoadScenario[];
  /** Also run every npy scenario against the naive server (default true). */
  readonly naive?: boolean;
  /** Also time a lone client's requests (n = 1, npy), interleaved with the naive server (default true). */
  readonly lone?: boolean;
  /** false: every request through Express (ServeOptions.fastPath), for a before/after. Default true. */
  readonly fastPath?: boolean;
}

export interface ScenarioResult extends LoadScenario, LoadResult {
  readonly meanBatch: number;
  /** Raw session.run samples/s at the max batch size, measured interleaved with this row's load. */
  readonly rawBatchMax: number;
  /** samplesPerSec / rawBatchMax. */
  readonly ratio: number;
  /** The naive server on the same scenario, measured interleaved with ganforge (npy scenarios). */
  readonly naive?: LoadResult;
  /**
   * ganforge's samples/s over the naive server's, slice by slice (each ganforge slice against the
   * naive slice of the same round): how far the row's ratio moves within the run.
   */
  readonly sliceRatios?: readonly number[];
}

export interface ServeBenchResult {
  readonly model: string;
  readonly cpu: string;
  readonly cores: number;
  /** The machine's 1-minute load average before and after the run (other work on it). */
  readonly loadAverage: readonly [number, number];
  readonly workers: number;
  readonly threadsPerWorker: number;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly inlineMaxSamples: number;
  readonly inlineMaxMs: number;
  readonly inlineThreads: number;
  readonly spreadMinSamples: number;
  readonly workerNice: number;
  readonly busy: number;
  readonly durationS: number;
  readonly rounds: number;
  readonly warmUpS: number;
  readonly fastPath: boolean;
  readonly provider: string;
  readonly raw: {
    readonly batch1: number;
    /** Mean of the measurements before and after the load. */
    readonly batchMax: number;
    readonly batchMaxBefore: number;
    readonly batchMaxAfter: number;
  };
  readonly lone?: { readonly ganforge: LoneLatency; readonly naive?: LoneLatency };
  readonly scenarios: readonly ScenarioResult[];
}

/** 1, 4, 16 and 64 samples per request at 1, 8, 32 and 128 connections; then PNG and /v2 infer. */
export const DEFAULT_SCENARIOS: readonly LoadScenario[] = [
  ...[1, 4, 16, 64].flatMap((n) =>
    [1, 8, 32, 128].map((connections) => ({ n, format: 'npy' as const, connections })),
  ),
  { n: 16, format: 'png', connections: 8 },
  { n: 1, format: 'v2', connections: 32 },
  { n: 16, format: 'v2', connections: 8 },
];

/** Samples per second of session.run on batches of `batch` in this thread, for about `seconds`. */
async function rawThroughput(
  session: ort.InferenceSession,
  inputName: string,
  latentDim: number,
  batch: number,
  seconds: number,
): Promise<number> {
  const latents = sampleLatents({ seed: 1, n: batch, latentDim, distribution: 'normal' });
  const feeds = { [inputName]: new ort.Tensor('float32', latents, [batch, latentDim]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await session.run(feeds);
    runs++;
  }
  return (runs * batch) / ((performance.now() - start) / 1000);
}

function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * Samples/s and p50/p99 latency of the HTTP server under concurrent load (autocannon, loopback, each
 * server in its own process), against the naive server on the same scenario (interleaved, see
 * `rounds`), and raw `session.run` of the same model in the same run.
 */
/** Seconds of each row's own load per server before its measured slices (discarded; see benchServe). */
const ROW_SETTLE_S = 1;

export async function benchServe(o: ServeBenchOptions): Promise<ServeBenchResult> {
  const busyLoops = startBusyLoops(o.busy ?? 0);
  try {
    return await measureServe(o);
  } finally {
    await busyLoops.stop();
  }
}

/** benchServe's measurements, with whatever other work (`busy`) runs meanwhile. */
async function measureServe(o: ServeBenchOptions): Promise<ServeBenchResult> {
  const durationS = o.durationS ?? 5;
  const rounds = Math.max(1, o.rounds ?? 2);
  const slice = durationS / rounds;
  const warmUpS = o.warmUpS ?? 4;
  const workers = o.workers ?? defaultWorkers();
  const cores = availableParallelism();
  const threadsPerWorker = o.intraOpThreads ?? Math.max(1, Math.floor(cores / workers));
  const maxBatch = o.maxBatch ?? 64;
  const maxDelayMs = o.maxDelayMs ?? 0;
  const inlineMaxSamples = o.inlineMaxSamples ?? SERVE_SETTINGS.inlineMaxSamples.default;
  const inlineMaxMs = o.inlineMaxMs ?? SERVE_SETTINGS.inlineMaxMs.default;
  const inlineThreads = o.inlineThreads || defaultInlineThreads(cores);
  const spreadMinSamples = o.spreadMinSamples ?? SERVE_SETTINGS.spreadMinSamples.default;
  const workerNice = o.workerNice ?? SERVE_SETTINGS.workerNice.default;
  const busy = o.busy ?? 0;
  const dir = join(o.modelsDir, o.model);
  const card = parseModelCard(JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')));
  const model: BenchModel = { name: o.model, latentDim: card.latent.size, inputName: card.onnx.inputName };
  const loadBefore = loadavg()[0]!;
  // Raw: one session with all the cores the server gets, no HTTP, no queue; measured before and after
  // the load (the mean is what the ratios use), so a change in background load shows as a spread.
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
    intraOpNumThreads: threadsPerWorker * workers,
    executionProviders: ['cpu'],
  });
  const raw = (batch: number, seconds: number) =>
    rawThroughput(session, card.onnx.inputName, card.latent.size, batch, Math.min(seconds, durationS));
  const batch1 = await raw(1, 2);
  const batchMaxBefore = await raw(maxBatch, 3);

  const ganforge = await startServer({
    modelsDir: o.modelsDir,
    workers,
    intraOpThreads: threadsPerWorker,
    maxBatch,
    maxDelayMs,
    inlineMaxSamples,
    inlineMaxMs,
    inlineThreads,
    spreadMinSamples,
    workerNice,
    // Samples in progress: room for the largest scenario (64 x 128 connections = 8192), so the table
    // measures throughput, not admission control (npm run chaos measures that).
    queueLimit: 16_384,
    device: 'cpu',
    ...(o.fastPath === false ? { fastPath: false } : {}),
  });
  let naive: BenchServer | undefined;
  const scenarios: ScenarioResult[] = [];
  let lone: ServeBenchResult['lone'];
  try {
    naive =
      o.naive === false
        ? undefined
        : await startServer({ modelsDir: o.modelsDir, model: o.model }, NAIVE_CHILD);
    const peer = naive;
    const scenarioList = o.scenarios ?? DEFAULT_SCENARIOS;
    const first = scenarioList[0];
    /** The servers a row loads: the naive server answers npy requests only. */
    const serversFor = (s: LoadScenario) => [ganforge, ...(peer && s.format === 'npy' ? [peer] : [])];
    if (first && warmUpS > 0) {
      const servers = serversFor(first);
      const pieces = Math.ceil(warmUpS);
      await interleavedAll(
        pieces,
        servers.map((server) => () => load(requestFor(server.url, model, first), first, warmUpS / pieces)),
      );
    }
    if (o.lone !== false) {
      const body = JSON.stringify({ n: 1, seed: 7, format: 'npy' });
      const path = `/v1/models/${o.model}/samples`;
      const r = await interleaved(
        rounds,
        () => loneLatency(`${ganforge.url}${path}`, body, Math.min(2, slice)),
        peer ? () => loneLatency(`${peer.url}${path}`, body, Math.min(2, slice)) : undefined,
      );
      lone = { ganforge: mergeLone(r.a), ...(peer ? { naive: mergeLone(r.b) } : {}) };
    }
    for (const [row, s] of scenarioList.entries()) {
      const metricsBefore = await (await fetch(`${ganforge.url}/metrics`)).text();
      // A short piece of the row's own load on each server, in the row's order, discarded: the reading
      // above would otherwise sit right before ganforge's first slice. On the 2-core machine that slice of
      // 1 x 1 ran at 0.69x of the naive server with the reading before it, against 1.02-1.11x for the
      // row's other seven, and at 1.10x without it (BENCHMARKS.md, "The inline lane").
      await interleavedAll(
        1,
        serversFor(s).map((server) => () => load(requestFor(server.url, model, s), s, ROW_SETTLE_S)),
        row % 2 === 1,
      );
      // ganforge, raw session.run at the max batch, the naive server: interleaved (A B C, C B A, ...),
      // every other row starting with the naive server (C B A, A B C, ...).
      const rawSlices: number[] = [];
      const measured = await interleavedAll<unknown>(
        rounds,
        [
          () => load(requestFor(ganforge.url, model, s), s, slice, ganforge.child.pid),
          async () => void rawSlices.push(await raw(maxBatch, slice)),
          ...(peer && s.format === 'npy'
            ? [() => load(requestFor(peer.url, model, s), s, slice, peer.child.pid)]
            : []),
        ],
        row % 2 === 1,
      );
      const r = { a: measured[0] as LoadResult[], b: (measured[2] ?? []) as LoadResult[] };
      const rowRaw = rawSlices.reduce((a, v) => a + v, 0) / rawSlices.length;
      const metricsAfter = await (await fetch(`${ganforge.url}/metrics`)).text();
      const d = (k: string) => seriesValue(metricsAfter, k) - seriesValue(metricsBefore, k);
      const batches = d(`ganforge_batch_size_count{model="${o.model}"}`);
      const ours = mergeLoads(r.a);
      const sliceRatios = r.b.every((b) => b.samplesPerSec > 0)
        ? r.b.map((b, i) => r.a[i]!.samplesPerSec / b.samplesPerSec)
        : [];
      scenarios.push({
        ...s,
        ...ours,
        meanBatch: batches > 0 ? d(`ganforge_batch_size_sum{model="${o.model}"}`) / batches : 0,
        rawBatchMax: rowRaw,
        ratio: ours.samplesPerSec / rowRaw,
        ...(r.b.length > 0 ? { naive: mergeLoads(r.b) } : {}),
        ...(sliceRatios.length > 1 ? { sliceRatios } : {}),
      });
    }
  } finally {
    await Promise.all([ganforge.stop(), naive?.stop()]);
  }
  const batchMaxAfter = await raw(maxBatch, 3);
  await session.release();
  const batchMax = (batchMaxBefore + batchMaxAfter) / 2;
  return {
    workerNice,
    busy,
    model: o.model,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores,
    loadAverage: [loadBefore, loadavg()[0]!],
    workers,
    threadsPerWorker,
    maxBatch,
    maxDelayMs,
    inlineMaxSamples,
    inlineMaxMs,
    inlineThreads,
    spreadMinSamples,
    durationS,
    rounds,
    warmUpS,
    fastPath: o.fastPath !== false,
    provider: ganforge.provider,
    raw: { batch1, batchMax, batchMaxBefore, batchMaxAfter },
    ...(lone ? { lone } : {}),
    scenarios,
  };
}

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);

const label = (s: LoadScenario): string =>
  s.format === 'v2' ? 'v2 infer (JSON)' : s.format === 'png' ? 'v1 samples (PNG grid)' : 'v1 samples (npy)';

/** The "Serving" section of BENCHMARKS.md. */
export function formatServeBench(r: ServeBenchResult, note = ''): string {
  const rows = r.scenarios.map((s) => {
    const p = s.naive;
    const range = sliceRange(s);
    const vsNaive =
      p && p.samplesPerSec > 0
        ? `${(s.samplesPerSec / p.samplesPerSec).toFixed(2)}x${range ? ` (${range})` : ''}`
        : '-';
    const cpu = cpuUsPerSample(s, r.durationS);
    const peerCpu = p ? cpuUsPerSample(p, r.durationS) : undefined;
    const cpuVs = cpu && peerCpu ? `${(peerCpu / cpu).toFixed(2)}x` : '-';
    return `| ${label(s)} | ${s.n} | ${s.connections} | ${f0(s.samplesPerSec)} | ${f1(s.p50Ms)} | ${f1(s.p99Ms)} | ${f1(s.meanBatch)} | ${s.non2xx} / ${s.errors} | ${p ? f0(p.samplesPerSec) : '-'} | ${p ? f1(p.p50Ms) : '-'} | ${p ? f1(p.p99Ms) : '-'} | ${vsNaive} | ${(s.ratio * 100).toFixed(0)}% | ${cpu ? f0(cpu) : '-'} | ${peerCpu ? f0(peerCpu) : '-'} | ${cpuVs} |`;
  });
  const lone = r.lone
    ? `- lone request (n=1 npy, one kept-alive connection, one request at a time, timed by the client): ganforge p50 ${r.lone.ganforge.p50Ms.toFixed(2)} ms (mean ${r.lone.ganforge.meanMs.toFixed(2)})${r.lone.naive ? `, naive p50 ${r.lone.naive.p50Ms.toFixed(2)} ms (mean ${r.lone.naive.meanMs.toFixed(2)})` : ''}`
    : undefined;
  return [
    '## Serving',
    '',
    '`ganforge serve` (node:http fast path for the generating routes, Express 5 for the rest; onnxruntime-node in worker',
    'threads, dynamic batching) under concurrent load from autocannon on loopback, each server in its own process,',
    'against, in the same run: a naive server (node:http, one `session.run` per request on the main thread, default',
    'session options, no batching: `packages/serve/src/bench/naive-server.ts`) on the same scenario, and raw',
    `\`session.run\` of the same model at the max batch, the three interleaved per row (A B C, C B A; ${r.rounds} slice(s) each;`,
    'every other row starts with the naive server) so background load falls on all of them alike; "vs raw" is against',
    `the raw figure of the same row. Before anything is measured, each server gets ${r.warmUpS} s of the first row's load,`,
    `in turns, discarded (warm-up); each row starts with ${ROW_SETTLE_S} s of its own load on each server, also discarded`,
    "(after ganforge's /metrics is read for the row's batch figures).",
    'Latency percentiles are autocannon\'s (1 ms resolution), request-weighted over the slices. "vs naive" is the',
    "ratio of the row's merged slices; in brackets, the lowest and highest ratio of one ganforge slice to the naive",
    'slice of the same round: a row whose range spans 1.00 is level with the naive server within this run.',
    '',
    `- model: \`${r.model}\`${note ? ` (${note})` : ''}; execution provider: ${r.provider}`,
    `- machine: ${r.cpu}, ${r.cores} cores (shared with the load generator; 1-min load average ${r.loadAverage[0].toFixed(1)} before, ${r.loadAverage[1].toFixed(1)} after); ganforge: ${r.workers} worker(s) x ${r.threadsPerWorker} intra-op thread(s), max batch ${r.maxBatch}, max delay ${r.maxDelayMs} ms, inline (a lone client) max ${r.inlineMaxSamples} samples and ${r.inlineMaxMs} ms on ${r.inlineThreads} intra-op thread(s), a further worker for batches of ${r.spreadMinSamples}+ samples, workers at nice ${r.workerNice}; ${r.durationS} s per row and server${r.busy > 0 ? `; ${r.busy} busy-loop process(es) spinning a core each at normal priority throughout (other work on the machine, as a training run would be: \`--busy ${r.busy}\`)` : ''}`,
    `- raw session.run (${r.workers * r.threadsPerWorker} threads): batch 1: ${f0(r.raw.batch1)} samples/s; batch ${r.maxBatch}: ${f0(r.raw.batchMax)} samples/s (${f0(r.raw.batchMaxBefore)} before the load, ${f0(r.raw.batchMaxAfter)} after)`,
    ...(lone ? [lone] : []),
    ...(r.fastPath
      ? []
      : ['- **fast path off**: every request through Express (`--no-fast-path`), the baseline before it']),
    '- CPU µs/sample: CPU time of the server process (all its threads, /proc schedstat) per sample served; "CPU vs naive" > 1: ganforge spends less. It depends less than samples/s on what else the machine runs, though contention (preemption, cold caches) still raises it.',
    '',
    `| request | n | connections | ganforge samples/s | p50 ms | p99 ms | mean batch | non-200 / errors | naive samples/s | naive p50 | naive p99 | vs naive | vs raw batch ${r.maxBatch} | CPU µs/sample | naive CPU µs/sample | CPU vs naive |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Targets (ratios within this run):',
    '',
    ...formatTargets(checkTargets(r)),
    '',
    'Run: `node --import tsx scripts/bench-serve.ts` (or `npm run bench`).',
    '',
  ].join('\n');
}
