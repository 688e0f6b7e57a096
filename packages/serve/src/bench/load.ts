import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import autocannon, { type Options as AutocannonOptions } from 'autocannon';
import { sampleLatents } from '@ganforge/core';

/** One load pattern: `connections` clients each asking for `n` samples per request, back to back. */
export interface LoadScenario {
  readonly n: number;
  readonly format: 'npy' | 'png' | 'v2';
  readonly connections: number;
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
  /**
   * CPU time the server process used meanwhile (all its threads), in seconds, when its pid was given:
   * it depends less than the rates on what else the machine runs.
   */
  readonly cpuSeconds?: number;
}

/**
 * CPU seconds process `pid` has used so far, all its threads (/proc/<pid>/task/<tid>/schedstat: ns on
 * the CPU). Undefined where /proc is not there.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
    return ns / 1e9;
  } catch {
    return undefined;
  }
}

/** What a model looks like to the load generator. */
export interface BenchModel {
  readonly name: string;
  readonly latentDim: number;
  readonly inputName: string;
}

/** The request autocannon sends for a scenario. */
export function requestFor(url: string, model: BenchModel, s: LoadScenario): AutocannonOptions {
  if (s.format === 'v2') {
    const data = Array.from(
      sampleLatents({ seed: 7, n: s.n, latentDim: model.latentDim, distribution: 'normal' }),
      (v) => Number(v.toFixed(4)),
    );
    return {
      url: `${url}/v2/models/${model.name}/infer`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: model.inputName, shape: [s.n, model.latentDim], datatype: 'FP32', data }],
      }),
    };
  }
  return {
    url: `${url}/v1/models/${model.name}/samples`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n: s.n, seed: 7, format: s.format }),
  };
}

/**
 * `s` against one server for `durationS` seconds (autocannon, 1 ms latency resolution); with the
 * server's `pid`, also the CPU time it used.
 */
export async function load(
  request: AutocannonOptions,
  s: LoadScenario,
  durationS: number,
  pid?: number,
): Promise<LoadResult> {
  const cpuBefore = processCpuSeconds(pid);
  const r = await autocannon({ ...request, connections: s.connections, duration: durationS, timeout: 30 });
  const cpuAfter = processCpuSeconds(pid);
  const ok = r.statusCodeStats['200']?.count ?? 0;
  return {
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuSeconds: cpuAfter - cpuBefore } : {}),
    requestsPerSec: ok / r.duration,
    samplesPerSec: (ok * s.n) / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * Merges the slices of one server's measurement (taken interleaved with the other server's): rates
 * over the total time, latency percentiles weighted by each slice's requests (autocannon reports
 * percentiles, not raw latencies, so this is an approximation of the merged percentile).
 */
export function mergeLoads(slices: readonly LoadResult[]): LoadResult {
  const k = slices.length;
  const requests = slices.reduce((a, r) => a + r.requestsPerSec, 0);
  const weight = (r: LoadResult) => (requests > 0 ? r.requestsPerSec / requests : 1 / k);
  return {
    requestsPerSec: requests / k,
    samplesPerSec: slices.reduce((a, r) => a + r.samplesPerSec, 0) / k,
    p50Ms: slices.reduce((a, r) => a + weight(r) * r.p50Ms, 0),
    p99Ms: slices.reduce((a, r) => a + weight(r) * r.p99Ms, 0),
    non2xx: slices.reduce((a, r) => a + r.non2xx, 0),
    errors: slices.reduce((a, r) => a + r.errors, 0),
    ...(slices.every((r) => r.cpuSeconds !== undefined)
      ? { cpuSeconds: slices.reduce((a, r) => a + r.cpuSeconds!, 0) }
      : {}),
  };
}

/** CPU microseconds per sample of a load result over `durationS` seconds (undefined without CPU time). */
export function cpuUsPerSample(r: LoadResult, durationS: number): number | undefined {
  const samples = r.samplesPerSec * durationS;
  return r.cpuSeconds !== undefined && samples > 0 ? (r.cpuSeconds * 1e6) / samples : undefined;
}

/** A lone client's latency: one request at a time on one kept-alive connection. */
export interface LoneLatency {
  readonly requests: number;
  readonly p50Ms: number;
  readonly meanMs: number;
}

/**
 * Sends `body` to `url` one request at a time for `durationS` seconds and times each round trip
 * (performance.now, so well below autocannon's 1 ms resolution). The client's own cost (node:http)
 * is in every figure, the same for every server.
 */
export async function loneLatency(url: string, body: string, durationS: number): Promise<LoneLatency> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - started)
              : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    for (let i = 0; i < 20; i++) await once(); // connection, JIT
    const times: number[] = [];
    const until = performance.now() + durationS * 1000;
    while (performance.now() < until) times.push(await once());
    times.sort((a, b) => a - b);
    return {
      requests: times.length,
      p50Ms: times[Math.floor(times.length / 2)] ?? 0,
      meanMs: times.reduce((a, t) => a + t, 0) / Math.max(1, times.length),
    };
  } finally {
    agent.destroy();
  }
}

/** Merges lone-latency slices (request-weighted mean of the medians). */
export function mergeLone(slices: readonly LoneLatency[]): LoneLatency {
  const requests = slices.reduce((a, s) => a + s.requests, 0);
  const w = (s: LoneLatency) => (requests > 0 ? s.requests / requests : 1 / slices.length);
  return {
    requests,
    p50Ms: slices.reduce((a, s) => a + w(s) * s.p50Ms, 0),
    meanMs: slices.reduce((a, s) => a + w(s) * s.meanMs, 0),
  };
}

/**
 * Runs the measurements `fns` interleaved, `rounds` times each, every other round in reverse order
 * (A B C, C B A, ...), so a drift in the machine's background load over the measurement falls on all of
 * them about equally. `reversedFirst` starts with the reversed order (C B A, A B C, ...): a caller
 * measuring several rows alternates it, so that no one measurement is always the first after whatever
 * came before the row. Returns each one's results in its own list.
 */
export async function interleavedAll<T>(
  rounds: number,
  fns: readonly (() => Promise<T>)[],
  reversedFirst = false,
): Promise<T[][]> {
  const out = fns.map(() => [] as T[]);
  for (let i = 0; i < rounds; i++) {
    const forward = (i % 2 === 0) !== reversedFirst;
    const order = fns.map((_, k) => (forward ? k : fns.length - 1 - k));
    for (const k of order) out[k]!.push(await fns[k]!());
  }
  return out;
}

/** Two measurements interleaved (A B, B A, ...); `b` may be absent. */
export async function interleaved<T>(
  rounds: number,
  a: () => Promise<T>,
  b: (() => Promise<T>) | undefined,
): Promise<{ a: T[]; b: T[] }> {
  const [ra, rb] = await interleavedAll(rounds, b ? [a, b] : [a]);
  return { a: ra!, b: rb ?? [] };
}
