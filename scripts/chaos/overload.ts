/**
 * Experiment 3: overload. Measures the capacity of `ganforge serve` for n=64 JSON requests, then offers
 * 2x and 10x that rate open-loop (requests keep arriving whether or not earlier ones were answered), while
 * a worker thread probes /healthz every 50 ms. Excess load must be refused with 429 + Retry-After, the
 * admitted requests must finish within the request deadline, health checks must stay fast, and every
 * request must get an HTTP answer.
 */
import { Worker } from 'node:worker_threads';
import { SERVE_SETTINGS } from '@ganforge/serve/settings';
import type { LoadResult, LoadSpec } from './load-worker.ts';
import type { ProbeResult } from './probe-worker.ts';
import {
  check,
  closedLoop,
  copyShippedModel,
  endChild,
  fmtMs,
  formatCounts,
  http,
  memoryMiB,
  pct,
  percentile,
  samplesRequest,
  sleep,
  startServe,
  tally,
  type Experiment,
  type ExperimentContext,
  type HttpResult,
} from './support.ts';

const N = 64;
const DEADLINE_MS = 5000;
const CAPACITY_CONNECTIONS = 4;
const PROBE_EVERY_MS = 50;
const HEALTHZ_P99_TARGET_MS = 50;
/** Past this many unanswered requests the client stops sending (and says so). */
const MAX_OUTSTANDING = 3000;
/** The load generator's nice value: the same as the server's session workers, below its HTTP thread. */
const LOAD_NICE = SERVE_SETTINGS.workerNice.default;

function durations(quick: boolean): { capacityS: number; phaseS: number } {
  return quick ? { capacityS: 3, phaseS: 4 } : { capacityS: 5, phaseS: 10 };
}

export const overload: Experiment = {
  name: 'overload',
  title: 'Overload at 2x and 10x capacity',
  describe: (o) => {
    const d = durations(o.quick);
    return (
      `A fresh \`ganforge serve --device cpu --timeout-ms ${DEADLINE_MS}\` on a temp copy of the model (other ` +
      `settings default). Capacity: ${CAPACITY_CONNECTIONS} closed-loop connections sending POST ` +
      `/v1/models/mnist-dcgan/samples {"n":${N},"format":"json"} for ${d.capacityS} s (2xx samples/s). Then ` +
      `2x and 10x that request rate, open-loop (arrivals on a fixed schedule, not waiting for answers; at most ` +
      `${MAX_OUTSTANDING} unanswered), for ${d.phaseS} s each, while a worker thread probes GET /healthz every ` +
      `${PROBE_EVERY_MS} ms on its own connection. Latencies are client-side (send to last byte). Peak RSS is the ` +
      `server's VmHWM from /proc/<pid>/status at the end, and the largest VmRSS sampled every 250 ms. The load ` +
      `generator stands in for clients on other machines but shares this machine's cores with the server: it ` +
      `runs in a worker thread at nice ${LOAD_NICE} (as the server's session workers do), so it does not take ` +
      `the CPU from the server's HTTP thread and the /healthz probe (both at normal priority); part of the ` +
      `latency at 10x is still the client's own (its event-loop delay is reported next to the latencies).`
    );
  },
  timeoutMs: (o) => 120_000 + 3 * durations(o.quick).phaseS * 1000 + 2 * (DEADLINE_MS + 20_000),
  async run(ctx) {
    const d = durations(ctx.options.quick);
    const models = copyShippedModel(ctx.tempDir('overload'));
    ctx.log('overload: starting ganforge serve');
    const server = await startServe(ctx, models, ['--timeout-ms', String(DEADLINE_MS)]);
    let peakRss = 0;
    const rssTimer = setInterval(() => {
      void memoryMiB(server.pid).then((m) => {
        if (m && m.rss > peakRss) peakRss = m.rss;
      });
    }, 250);
    try {
      // Warm-up, then capacity.
      await http(samplesRequest(server.url, N, 1, 'json'));
      const capEnd = performance.now() + d.capacityS * 1000;
      const t0 = performance.now();
      const cap = await closedLoop({
        connections: CAPACITY_CONNECTIONS,
        request: (c, i) => samplesRequest(server.url, N, c * 100_000 + i, 'json'),
        stop: () => performance.now() >= capEnd,
        signal: ctx.signal,
      });
      const capS = (performance.now() - t0) / 1000;
      const capOk = cap.filter((r) => r.status === 200);
      const rate = capOk.length / capS;
      ctx.record(
        check(
          `capacity: ${CAPACITY_CONNECTIONS} connections × n=${N} JSON for ${d.capacityS} s`,
          `${(rate * N).toFixed(0)} samples/s (${rate.toFixed(1)} requests/s), p50 ${fmtMs(
            percentile(
              capOk.map((r) => r.ms),
              50,
            ),
          )}, ` +
            `p99 ${fmtMs(
              percentile(
                capOk.map((r) => r.ms),
                99,
              ),
            )}, ${cap.length - capOk.length} not 200`,
          'measured (the base of the overload rates)',
          'info',
        ),
      );
      if (capOk.length === 0) throw new Error('no request succeeded while measuring capacity');
      ctx.note(
        'Capacity is measured in the same run, so the overload rates follow it; on a shared 2-core machine it ' +
          'varies from run to run with whatever else is running.',
      );

      for (const factor of [2, 10]) {
        if (ctx.signal.aborted) return;
        await sleep(1000);
        const offered = rate * factor;
        ctx.log(`overload: ${factor}x capacity = ${offered.toFixed(1)} requests/s for ${d.phaseS} s`);
        const probe = startProbe(`${server.url}/healthz`);
        const phase = await openLoop(ctx, {
          url: server.url,
          n: N,
          seedBase: 1_000_000,
          timeoutMs: DEADLINE_MS + 15_000,
          rate: offered,
          durationMs: d.phaseS * 1000,
          maxOutstanding: MAX_OUTSTANDING,
          nice: LOAD_NICE,
        });
        const health = await probe.stop();
        recordPhase(ctx, factor, offered, d.phaseS, phase, health, phase.lagP99Ms);
      }
      const mem = await memoryMiB(server.pid);
      ctx.record(
        check(
          'peak RSS of the server process',
          `VmHWM ${mem ? mem.hwm.toFixed(0) : '?'} MiB; largest sampled VmRSS ${peakRss.toFixed(0)} MiB`,
          'reported (no target)',
          'info',
        ),
      );
    } finally {
      clearInterval(rssTimer);
      await endChild(server.child);
    }
  },
};

function recordPhase(
  ctx: ExperimentContext,
  factor: number,
  offered: number,
  phaseS: number,
  phase: { results: HttpResult[]; skipped: number },
  health: ProbeResult,
  clientLagP99Ms: number,
): void {
  const { results, skipped } = phase;
  const t = tally(results);
  const n429 = results.filter((r) => r.status === 429);
  const withRetry = n429.filter((r) => {
    const v = r.headers['retry-after'];
    return typeof v === 'string' && /^\d+$/.test(v.trim());
  });
  const admitted = results.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
  const p50 = percentile(
    admitted.map((r) => r.ms),
    50,
  );
  const p99 = percentile(
    admitted.map((r) => r.ms),
    99,
  );
  const unexpected = [...t.byStatus.entries()].filter(([s]) => s !== 429 && s !== 504);
  const what = `${factor}x capacity (${offered.toFixed(1)} requests/s offered for ${phaseS} s)`;
  ctx.record(
    check(
      `${what}: answers`,
      `${results.length} sent${skipped ? ` (+${skipped} not sent: ${MAX_OUTSTANDING} unanswered)` : ''}: ` +
        `${t.ok} 2xx, ${n429.length} 429 (${pct(n429.length, results.length)}), ${t.byStatus.get(504) ?? 0} 504, ` +
        `other non-2xx ${formatCounts(new Map(unexpected))}, ` +
        `no answer ${t.noAnswer}${t.noAnswer ? ` (${formatCounts(t.errors)})` : ''}`,
      '0 without an HTTP answer; only 2xx, 429 or 504',
      t.noAnswer === 0 && unexpected.length === 0 && skipped === 0,
    ),
  );
  ctx.record(
    check(
      `${what}: Retry-After on 429`,
      n429.length === 0 ? 'no 429 answers' : `${withRetry.length}/${n429.length} carry Retry-After (seconds)`,
      'every 429',
      withRetry.length === n429.length,
    ),
  );
  ctx.record(
    check(
      `${what}: latency of admitted (2xx) requests`,
      (admitted.length ? `p50 ${fmtMs(p50)}, p99 ${fmtMs(p99)} over ${admitted.length}` : 'no 2xx answers') +
        ` (load generator's own event-loop delay p99 ${fmtMs(clientLagP99Ms)})`,
      `p99 < ${DEADLINE_MS / 1000} s (--timeout-ms)`,
      admitted.length > 0 && p99 < DEADLINE_MS,
    ),
  );
  const hp99 = percentile(health.latenciesMs, 99);
  ctx.record(
    check(
      `${what}: GET /healthz every ${PROBE_EVERY_MS} ms`,
      `${health.latenciesMs.length} answered, ${health.failures} not 200; p50 ${fmtMs(percentile(health.latenciesMs, 50))}, ` +
        `p99 ${fmtMs(hp99)}, max ${fmtMs(health.latenciesMs.length ? Math.max(...health.latenciesMs) : NaN)}`,
      `p99 < ${HEALTHZ_P99_TARGET_MS} ms, all 200`,
      health.latenciesMs.length > 0 && health.failures === 0 && hp99 < HEALTHZ_P99_TARGET_MS,
    ),
  );
}

/** Starts the /healthz probe in a worker thread; stop() resolves with what it measured. */
/** A worker thread running a TypeScript module: workers do not inherit tsx's loader, so it registers it first. */
function startTsWorker(script: string, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

function startProbe(url: string): { stop(): Promise<ProbeResult> } {
  const worker = startTsWorker(new URL('./probe-worker.ts', import.meta.url).href, {
    url,
    everyMs: PROBE_EVERY_MS,
  });
  const done = new Promise<ProbeResult>((resolve, reject) => {
    worker.once('message', (m: ProbeResult) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', () => resolve({ latenciesMs: [], failures: 0 }));
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const timeout = sleep(15_000, true).then(() => ({ latenciesMs: [], failures: 0 }));
      const r = await Promise.race([done, timeout]);
      await worker.terminate();
      return r;
    },
  };
}

/** Runs the open-loop load generator (load-worker.ts) in a worker thread below normal priority. */
async function openLoop(ctx: ExperimentContext, spec: LoadSpec): Promise<LoadResult> {
  const worker = startTsWorker(new URL('./load-worker.ts', import.meta.url).href, spec);
  const onAbort = () => worker.postMessage('abort');
  ctx.signal.addEventListener('abort', onAbort);
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once('message', (m: LoadResult) => resolve(m));
      worker.once('error', reject);
      worker.once('exit', () => resolve({ results: [], skipped: 0, lagP99Ms: 0, niced: false }));
    });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
