import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Options as AutocannonOptions } from 'autocannon';
import * as ort from 'onnxruntime-node';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { defaultWorkers } from '../engine/worker-pool.ts';

/** One load pattern: `connections` clients each asking for `n` samples per request, back to back. */
export interface LoadScenario {
  readonly n: number;
  readonly format: 'npy' | 'png' | 'v2';
  readonly connections: number;
}

export interface ServeBenchOptions {
  readonly modelsDir: string;
  readonly model: string;
  /** Seconds per load scenario (and per raw measurement). */
  readonly durationS?: number;
  readonly workers?: number;
  readonly intraOpThreads?: number;
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  readonly scenarios?: readonly LoadScenario[];
  /** Also run every npy scenario against the naive server (default true). */
  readonly naive?: boolean;
}

export interface LoadResult {
  readonly requestsPerSec: number;
  readonly samplesPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 200 (429 under overload: refused, not lost). */
  readonly non2xx: number;
  /** Connection errors and timeouts: requests that got no answer. */
  readonly errors: number;
}

export interface ScenarioResult extends LoadScenario, LoadResult {
  readonly meanBatch: number;
  /** samplesPerSec / raw session.run samples/s at the max batch size. */
  readonly ratio: number;
  /** The naive server on the same scenario, measured right after (npy scenarios). */
  readonly naive?: LoadResult;
}

export interface ServeBenchResult {
  readonly model: string;
  readonly cpu: string;
  readonly cores: number;
  readonly workers: number;
  readonly threadsPerWorker: number;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly durationS: number;
  readonly provider: string;
  readonly raw: { readonly batch1: number; readonly batchMax: number };
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

function startServer(
  options: object,
  script = fileURLToPath(new URL('./serve-child.ts', import.meta.url)),
): Promise<{ child: ChildProcess; url: string; provider: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(buf.slice(0, nl)) as { url: string; models?: { provider?: string }[] };
      resolve({ child, url: info.url, provider: info.models?.[0]?.provider ?? 'cpu' });
    });
    child.on('exit', (code) => reject(new Error(`benchmark server exited with code ${code}`)));
  });
}

function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** The request autocannon sends for a scenario. */
function requestFor(
  url: string,
  model: string,
  s: LoadScenario,
  latentDim: number,
  inputName: string,
): AutocannonOptions {
  if (s.format === 'v2') {
    const data = Array.from(sampleLatents({ seed: 7, n: s.n, latentDim, distribution: 'normal' }), (v) =>
      Number(v.toFixed(4)),
    );
    return {
      url: `${url}/v2/models/${model}/infer`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: inputName, shape: [s.n, latentDim], datatype: 'FP32', data }],
      }),
    };
  }
  return {
    url: `${url}/v1/models/${model}/samples`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n: s.n, seed: 7, format: s.format }),
  };
}

async function load(request: AutocannonOptions, s: LoadScenario, durationS: number): Promise<LoadResult> {
  const r = await autocannon({ ...request, connections: s.connections, duration: durationS, timeout: 30 });
  const ok = r.statusCodeStats['200']?.count ?? 0;
  return {
    requestsPerSec: ok / r.duration,
    samplesPerSec: (ok * s.n) / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * Samples/s and p50/p99 latency of the HTTP server under concurrent load (autocannon, loopback, each
 * server in its own process), against the naive server on the same scenario right after, and raw
 * `session.run` of the same model in the same run.
 */
export async function benchServe(o: ServeBenchOptions): Promise<ServeBenchResult> {
  const durationS = o.durationS ?? 5;
  const workers = o.workers ?? defaultWorkers();
  const cores = availableParallelism();
  const threadsPerWorker = o.intraOpThreads ?? Math.max(1, Math.floor(cores / workers));
  const maxBatch = o.maxBatch ?? 64;
  const maxDelayMs = o.maxDelayMs ?? 0;
  const dir = join(o.modelsDir, o.model);
  const card = parseModelCard(JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')));

  // Raw: one session with all the cores the server gets, no HTTP, no queue.
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
    intraOpNumThreads: threadsPerWorker * workers,
    executionProviders: ['cpu'],
  });
  const batch1 = await rawThroughput(
    session,
    card.onnx.inputName,
    card.latent.size,
    1,
    Math.min(2, durationS),
  );
  const batchMax = await rawThroughput(
    session,
    card.onnx.inputName,
    card.latent.size,
    maxBatch,
    Math.min(3, durationS),
  );
  await session.release();

  const ganforge = await startServer({
    modelsDir: o.modelsDir,
    workers,
    intraOpThreads: threadsPerWorker,
    maxBatch,
    maxDelayMs,
    // Samples in progress: room for the largest scenario (64 x 128 connections = 8192), so the table
    // measures throughput, not admission control (npm run chaos measures that).
    queueLimit: 16_384,
    device: 'cpu',
  });
  const naive =
    o.naive === false
      ? undefined
      : await startServer(
          { modelsDir: o.modelsDir, model: o.model },
          fileURLToPath(new URL('./naive-server.ts', import.meta.url)),
        );
  const scenarios: ScenarioResult[] = [];
  try {
    for (const s of o.scenarios ?? DEFAULT_SCENARIOS) {
      const metricsBefore = await (await fetch(`${ganforge.url}/metrics`)).text();
      const ours = await load(
        requestFor(ganforge.url, o.model, s, card.latent.size, card.onnx.inputName),
        s,
        durationS,
      );
      const metricsAfter = await (await fetch(`${ganforge.url}/metrics`)).text();
      const d = (k: string) => seriesValue(metricsAfter, k) - seriesValue(metricsBefore, k);
      const batches = d(`ganforge_batch_size_count{model="${o.model}"}`);
      const peer =
        naive && s.format === 'npy'
          ? await load(requestFor(naive.url, o.model, s, card.latent.size, card.onnx.inputName), s, durationS)
          : undefined;
      scenarios.push({
        ...s,
        ...ours,
        meanBatch: batches > 0 ? d(`ganforge_batch_size_sum{model="${o.model}"}`) / batches : 0,
        ratio: ours.samplesPerSec / batchMax,
        ...(peer ? { naive: peer } : {}),
      });
    }
  } finally {
    ganforge.child.kill('SIGTERM');
    naive?.child.kill('SIGTERM');
  }
  return {
    model: o.model,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores,
    workers,
    threadsPerWorker,
    maxBatch,
    maxDelayMs,
    durationS,
    provider: ganforge.provider,
    raw: { batch1, batchMax },
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
    const vsNaive = p && p.samplesPerSec > 0 ? `${(s.samplesPerSec / p.samplesPerSec).toFixed(2)}x` : '-';
    return `| ${label(s)} | ${s.n} | ${s.connections} | ${f0(s.samplesPerSec)} | ${f1(s.p50Ms)} | ${f1(s.p99Ms)} | ${f1(s.meanBatch)} | ${s.non2xx} / ${s.errors} | ${p ? f0(p.samplesPerSec) : '-'} | ${p ? f1(p.p50Ms) : '-'} | ${p ? f1(p.p99Ms) : '-'} | ${vsNaive} | ${(s.ratio * 100).toFixed(0)}% |`;
  });
  return [
    '## Serving',
    '',
    '`ganforge serve` (Express 5 + onnxruntime-node in worker threads, dynamic batching) under concurrent load from',
    'autocannon on loopback, each server in its own process, against, in the same run: a naive server (node:http, one',
    '`session.run` per request on the main thread, default session options, no batching: `packages/serve/src/bench/naive-server.ts`)',
    'on the same scenario right after, and raw `session.run` of the same model.',
    '',
    `- model: \`${r.model}\`${note ? ` (${note})` : ''}; execution provider: ${r.provider}`,
    `- machine: ${r.cpu}, ${r.cores} cores (shared with the load generator); ganforge: ${r.workers} worker(s) x ${r.threadsPerWorker} intra-op thread(s), max batch ${r.maxBatch}, max delay ${r.maxDelayMs} ms; ${r.durationS} s per row`,
    `- raw session.run (${r.workers * r.threadsPerWorker} threads): batch 1: ${f0(r.raw.batch1)} samples/s; batch ${r.maxBatch}: ${f0(r.raw.batchMax)} samples/s`,
    '',
    `| request | n | connections | ganforge samples/s | p50 ms | p99 ms | mean batch | non-200 / errors | naive samples/s | naive p50 | naive p99 | vs naive | vs raw batch ${r.maxBatch} |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Run: `node --import tsx scripts/bench-serve.ts` (or `npm run bench`).',
    '',
  ].join('\n');
}
