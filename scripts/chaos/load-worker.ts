/**
 * The overload experiment's load generator, in a worker thread of its own that runs BELOW normal CPU
 * priority: it stands in for clients on other machines, so on this shared machine it must not take
 * the CPU from the server it measures (the server's HTTP thread runs at normal priority, its session
 * workers at nice `--worker-nice` (default 2), and so does this thread). Sends `rate` requests per
 * second for `durationMs` open-loop (on a schedule, whether or not earlier ones were answered, at most
 * `maxOutstanding` unanswered), then posts back every result and its own event-loop delay.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { http, keepAliveAgent, samplesRequest, type HttpResult } from './http-load.ts';
import { sleep } from './stats.ts';

export interface LoadSpec {
  readonly url: string;
  readonly n: number;
  readonly seedBase: number;
  readonly timeoutMs: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly maxOutstanding: number;
  /** Nice value of this thread (Linux; elsewhere it runs at normal priority). */
  readonly nice: number;
}

export interface LoadResult {
  readonly results: HttpResult[];
  readonly skipped: number;
  readonly lagP99Ms: number;
  /** Whether the lower priority took effect. */
  readonly niced: boolean;
}

const spec = workerData as LoadSpec;
let niced = false;
try {
  // On Linux the nice value is per thread: /proc/thread-self -> "<pid>/task/<tid>".
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), spec.nice);
  niced = true;
} catch {
  // not Linux: normal priority
}
let aborted = false;
parentPort!.on('message', (m) => {
  if (m === 'abort') aborted = true;
});

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const agent = keepAliveAgent();
const results: HttpResult[] = [];
const pending = new Set<Promise<void>>();
let sent = 0;
let skipped = 0;
const start = performance.now();
try {
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= spec.durationMs || aborted) break;
    const due = Math.floor((elapsed / 1000) * spec.rate);
    while (sent + skipped < due) {
      if (pending.size >= spec.maxOutstanding) {
        skipped++;
        continue;
      }
      const request = {
        ...samplesRequest(spec.url, spec.n, spec.seedBase + sent, 'json'),
        timeoutMs: spec.timeoutMs,
        agent,
      };
      const p: Promise<void> = http(request).then((r) => {
        results.push(r);
        pending.delete(p);
      });
      pending.add(p);
      sent++;
    }
    await sleep(5);
  }
  await Promise.all(pending);
} finally {
  agent.destroy();
  lag.disable();
}
const out: LoadResult = { results, skipped, lagP99Ms: lag.percentile(99) / 1e6, niced };
parentPort!.postMessage(out);
