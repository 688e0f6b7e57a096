import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as ort from 'onnxruntime-node';
import { parseModelCard, sampleLatents } from '@ganforge/core';

/** One load pattern: `connections` clients each asking for `n` samples per request, back to back. */
export interface LoadScenario {
  readonly n: number;
  readonly format: 'npy' | 'png';
  readonly connections: number;
}

export interface ServeBenchOptions {
  readonly modelsDir: string;
  readonly model: string;
  /** Seconds per load scenario (and per raw measurement). */
  readonly durationS?: number;
  readonly workers?: number;
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  readonly scenarios?: readonly LoadScenario[];
}

export interface ScenarioResult extends LoadScenario {
  readonly requestsPerSec: number;
  readonly samplesPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly meanBatch: number;
  /** samplesPerSec / raw session.run samples/s at the max batch size. */
  readonly ratio: number;
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

const DEFAULT_SCENARIOS: readonly LoadScenario[] = [
  { n: 1, format: 'npy', connections: 1 },
  { n: 1, format: 'npy', connections: 32 },
  { n: 16, format: 'npy', connections: 8 },
  { n: 16, format: 'png', connections: 8 },
  { n: 64, format: 'npy', connections: 4 },
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

function startServer(options: object): Promise<{ child: ChildProcess; url: string; provider: string }> {
  const script = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(buf.slice(0, nl)) as { url: string; models: { provider?: string }[] };
      resolve({ child, url: info.url, provider: info.models[0]?.provider ?? 'none' });
    });
    child.on('exit', (code) => reject(new Error(`benchmark server exited with code ${code}`)));
  });
}

function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * Samples/s and p50/p99 latency of the HTTP server under concurrent load (autocannon, loopback, the
 * server in its own process), against raw `session.run` throughput of the same model in the same run.
 */
export async function benchServe(o: ServeBenchOptions): Promise<ServeBenchResult> {
  const durationS = o.durationS ?? 5;
  const workers = o.workers ?? 1;
  const cores = availableParallelism();
  const threadsPerWorker = Math.max(1, Math.floor(cores / workers));
  const maxBatch = o.maxBatch ?? 64;
  const maxDelayMs = o.maxDelayMs ?? 5;
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

  const { child, url, provider } = await startServer({
    modelsDir: o.modelsDir,
    workers,
    maxBatch,
    maxDelayMs,
    queueLimit: 4096,
    device: 'cpu',
  });
  const scenarios: ScenarioResult[] = [];
  try {
    for (const s of o.scenarios ?? DEFAULT_SCENARIOS) {
      const metricsBefore = await (await fetch(`${url}/metrics`)).text();
      const r = await autocannon({
        url: `${url}/v1/models/${o.model}/samples`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: s.n, seed: 7, format: s.format }),
        connections: s.connections,
        duration: durationS,
        timeout: 30,
      });
      const metricsAfter = await (await fetch(`${url}/metrics`)).text();
      const d = (k: string) => seriesValue(metricsAfter, k) - seriesValue(metricsBefore, k);
      const ok = r.statusCodeStats['200']?.count ?? 0;
      const samplesPerSec = (ok * s.n) / r.duration;
      const batches = d(`ganforge_batch_size_count{model="${o.model}"}`);
      scenarios.push({
        ...s,
        requestsPerSec: ok / r.duration,
        samplesPerSec,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
        meanBatch: batches > 0 ? d(`ganforge_batch_size_sum{model="${o.model}"}`) / batches : 0,
        ratio: samplesPerSec / batchMax,
      });
    }
  } finally {
    child.kill('SIGTERM');
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
    provider,
    raw: { batch1, batchMax },
    scenarios,
  };
}

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);

/** The "Serving" section of BENCHMARKS.md. */
export function formatServeBench(r: ServeBenchResult, note = ''): string {
  const rows = r.scenarios.map(
    (s) =>
      `| ${s.n} | ${s.format} | ${s.connections} | ${f0(s.requestsPerSec)} | ${f0(s.samplesPerSec)} | ${f1(s.p50Ms)} | ${f1(s.p99Ms)} | ${f1(s.meanBatch)} | ${s.non2xx + s.errors} | ${(s.ratio * 100).toFixed(0)}% |`,
  );
  return [
    '## Serving',
    '',
    `\`ganforge serve\` (Express 5 + onnxruntime-node in worker threads, dynamic batching) under concurrent load from`,
    `autocannon on loopback, the server in its own process; against raw \`session.run\` of the same model in the same run.`,
    '',
    `- model: \`${r.model}\`${note ? ` (${note})` : ''}; execution provider: ${r.provider}`,
    `- machine: ${r.cpu}, ${r.cores} cores (shared with the load generator); server: ${r.workers} worker(s) x ${r.threadsPerWorker} intra-op thread(s), max batch ${r.maxBatch}, max delay ${r.maxDelayMs} ms; ${r.durationS} s per row`,
    `- raw session.run (${r.workers * r.threadsPerWorker} threads): batch 1: ${f0(r.raw.batch1)} samples/s; batch ${r.maxBatch}: ${f0(r.raw.batchMax)} samples/s`,
    '',
    '| n per request | format | connections | requests/s | samples/s | p50 ms | p99 ms | mean batch | errors | vs raw batch ' +
      r.maxBatch +
      ' |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Run: \`node --import tsx scripts/bench-serve.ts\` (or \`pnpm bench\`).`,
    '',
  ].join('\n');
}
