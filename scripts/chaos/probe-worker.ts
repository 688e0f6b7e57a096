/**
 * A worker thread that probes GET <url> every `everyMs` on its own keep-alive connection and, when told
 * 'stop', posts back the latencies of the answers and the count of probes without a 200. Its own event
 * loop keeps the load generator on the main thread from delaying the probes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { http, keepAliveAgent } from './http-load.ts';
import { sleep } from './stats.ts';

export interface ProbeResult {
  readonly latenciesMs: number[];
  readonly failures: number;
}

const { url, everyMs } = workerData as { url: string; everyMs: number };
const agent = keepAliveAgent(1);
const result = { latenciesMs: [] as number[], failures: 0 };
let stop = false;
parentPort!.on('message', (m) => {
  if (m === 'stop') stop = true;
});
while (!stop) {
  const next = performance.now() + everyMs;
  const r = await http({ url, agent, timeoutMs: 10_000 });
  if (r.status === 200) result.latenciesMs.push(r.ms);
  else result.failures++;
  await sleep(Math.max(0, next - performance.now()));
}
agent.destroy();
parentPort!.postMessage(result);
