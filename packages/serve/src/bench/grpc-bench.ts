import { readFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { defaultWorkers } from '../engine/worker-pool.ts';
import { openInferenceClient } from '../grpc/client.ts';
import type { ModelInferRequest } from '../grpc/proto.ts';
import { startServer } from './bench-servers.ts';
import { load, mergeLoads, requestFor, type BenchModel, type LoadResult } from './load.ts';
import type { ServeBenchOptions } from './serve-bench.ts';

/**
 * The Open Inference Protocol over REST and over gRPC, side by side on one ganforge server: the same
 * latents, rows and batching; REST `POST /v2/models/<m>/infer` (JSON, autocannon) against gRPC
 * `ModelInfer` (an @grpc/grpc-js client from the shipped .proto) with the latents as `fp32_contents` and
 * as `raw_input_contents` (images back as `raw_output_contents`), the three interleaved (ABC CBA ...).
 */

export type Protocol = 'rest' | 'grpc-fp32' | 'grpc-raw';

/** `concurrency` requests of `n` latents in flight, back to back. */
export interface ProtocolScenario {
  readonly n: number;
  readonly concurrency: number;
}

export interface ProtocolRow extends ProtocolScenario, LoadResult {
  readonly protocol: Protocol;
  readonly meanBatch: number;
  /**
   * The server process's CPU time (all threads, inference included) per answered request: what the
   * protocol costs the server, apart from what the load generator costs the shared machine.
   */
  readonly serverCpuMsPerRequest: number;
}

/**
 * The serving benchmark's server and timing options; here `durationS` is per row and protocol, and each
 * row's time is split into `rounds` slices per protocol, interleaved (default 2).
 */
export interface GrpcBenchOptions extends Pick<
  ServeBenchOptions,
  'modelsDir' | 'model' | 'durationS' | 'rounds' | 'workers' | 'intraOpThreads' | 'maxBatch' | 'maxDelayMs'
> {
  readonly scenarios?: readonly ProtocolScenario[];
}

export interface GrpcBenchResult {
  readonly model: string;
  readonly durationS: number;
  readonly rows: readonly ProtocolRow[];
}

/** The two /v2 rows of the serving table, and a larger request where the encoding weighs more. */
export const GRPC_SCENARIOS: readonly ProtocolScenario[] = [
  { n: 1, concurrency: 32 },
  { n: 16, concurrency: 8 },
  { n: 64, concurrency: 8 },
];

const PROTOCOLS: readonly Protocol[] = ['rest', 'grpc-fp32', 'grpc-raw'];

function freePort(): Promise<number> {
  const s = createNetServer();
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function inferRequest(model: BenchModel, n: number, raw: boolean): ModelInferRequest {
  const z = sampleLatents({ seed: 7, n, latentDim: model.latentDim, distribution: 'normal' });
  const input = { name: model.inputName, datatype: 'FP32', shape: [n, model.latentDim] };
  return raw
    ? {
        model_name: model.name,
        inputs: [input],
        raw_input_contents: [Buffer.from(z.buffer, z.byteOffset, z.byteLength)],
      }
    : { model_name: model.name, inputs: [{ ...input, contents: { fp32_contents: Array.from(z) } }] };
}

/** `s` over gRPC for `durationS` seconds: one channel (HTTP/2 connection), `concurrency` calls in flight. */
async function grpcLoad(address: string, request: ModelInferRequest, s: ProtocolScenario, durationS: number) {
  const client = openInferenceClient(address);
  try {
    for (let i = 0; i < 5; i++) await client.modelInfer(request); // connection, JIT
    const latencies: number[] = [];
    let refused = 0;
    let errors = 0;
    const started = performance.now();
    const until = started + durationS * 1000;
    await Promise.all(
      Array.from({ length: s.concurrency }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          try {
            await client.modelInfer(request);
            latencies.push(performance.now() - t0);
          } catch (e) {
            // Answered by the server (e.g. RESOURCE_EXHAUSTED), or no answer at all.
            if ((e as ServiceError).metadata?.get('ganforge-code').length) refused++;
            else errors++;
            if ((e as ServiceError).code === Status.UNAVAILABLE) await new Promise((r) => setTimeout(r, 10));
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return {
      requestsPerSec: latencies.length / seconds,
      samplesPerSec: (latencies.length * s.n) / seconds,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      non2xx: refused,
      errors,
    } satisfies LoadResult;
  } finally {
    client.close();
  }
}

const series = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${name} `))
      ?.slice(name.length + 1) ?? 0,
  );

/** REST and gRPC rows of the Open Inference Protocol against one ganforge server (its own process). */
export async function benchGrpc(o: GrpcBenchOptions): Promise<GrpcBenchResult> {
  const durationS = o.durationS ?? 5;
  const rounds = Math.max(1, o.rounds ?? 2);
  const card = parseModelCard(JSON.parse(await readFile(join(o.modelsDir, o.model, 'card.json'), 'utf8')));
  const model: BenchModel = { name: o.model, latentDim: card.latent.size, inputName: card.onnx.inputName };
  const grpcPort = await freePort();
  const server = await startServer({
    modelsDir: o.modelsDir,
    workers: o.workers ?? defaultWorkers(),
    ...(o.intraOpThreads !== undefined ? { intraOpThreads: o.intraOpThreads } : {}),
    maxBatch: o.maxBatch ?? 64,
    maxDelayMs: o.maxDelayMs ?? 0,
    queueLimit: 16_384, // as in the serving table: throughput, not admission control
    device: 'cpu',
    grpcPort,
  });
  const address = `127.0.0.1:${grpcPort}`;
  const rows: ProtocolRow[] = [];
  try {
    for (const s of o.scenarios ?? GRPC_SCENARIOS) {
      const tally = new Map(
        PROTOCOLS.map((p) => [p, { slices: [] as LoadResult[], batches: 0, batched: 0, cpuSeconds: 0 }]),
      );
      const requests = {
        rest: requestFor(server.url, model, { n: s.n, connections: s.concurrency, format: 'v2' }),
        'grpc-fp32': inferRequest(model, s.n, false),
        'grpc-raw': inferRequest(model, s.n, true),
      };
      const slice = durationS / rounds;
      for (let i = 0; i < rounds; i++) {
        for (const p of i % 2 === 0 ? PROTOCOLS : [...PROTOCOLS].reverse()) {
          const t = tally.get(p)!;
          const before = await (await fetch(`${server.url}/metrics`)).text();
          t.slices.push(
            p === 'rest'
              ? await load(requests.rest, { n: s.n, connections: s.concurrency, format: 'v2' }, slice)
              : await grpcLoad(address, requests[p], s, slice),
          );
          const after = await (await fetch(`${server.url}/metrics`)).text();
          const delta = (name: string) => series(after, name) - series(before, name);
          t.batches += delta(`ganforge_batch_size_count{model="${o.model}"}`);
          t.batched += delta(`ganforge_batch_size_sum{model="${o.model}"}`);
          t.cpuSeconds += delta('ganforge_process_cpu_seconds_total');
        }
      }
      for (const p of PROTOCOLS) {
        const t = tally.get(p)!;
        const merged = mergeLoads(t.slices);
        const answered = merged.requestsPerSec * durationS;
        rows.push({
          protocol: p,
          ...s,
          ...merged,
          meanBatch: t.batches > 0 ? t.batched / t.batches : 0,
          serverCpuMsPerRequest: answered > 0 ? (t.cpuSeconds * 1000) / answered : 0,
        });
      }
    }
  } finally {
    await server.stop();
  }
  return { model: o.model, durationS, rows };
}

const LABELS: Record<Protocol, string> = {
  rest: 'REST /v2 infer (JSON)',
  'grpc-fp32': 'gRPC ModelInfer (fp32_contents)',
  'grpc-raw': 'gRPC ModelInfer (raw_input/output_contents)',
};

/** The REST-vs-gRPC table, a subsection of the "Serving" section. */
export function formatGrpcBench(r: GrpcBenchResult): string {
  const rest = (row: ProtocolRow) =>
    r.rows.find((x) => x.protocol === 'rest' && x.n === row.n && x.concurrency === row.concurrency);
  const lines = r.rows.map((row) => {
    const base = rest(row);
    const vs =
      row.protocol !== 'rest' && base && base.samplesPerSec > 0
        ? `${(row.samplesPerSec / base.samplesPerSec).toFixed(2)}x`
        : '-';
    return `| ${LABELS[row.protocol]} | ${row.n} | ${row.concurrency} | ${row.samplesPerSec.toFixed(0)} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${row.meanBatch.toFixed(1)} | ${row.serverCpuMsPerRequest.toFixed(2)} | ${row.non2xx} / ${row.errors} | ${vs} |`;
  });
  return [
    '### Open Inference Protocol: REST and gRPC',
    '',
    `The same ganforge server (its own process, the settings above) answering \`POST /v2/models/${r.model}/infer\``,
    '(autocannon, that many connections) and gRPC `ModelInfer` (`ganforge serve --grpc-port`; an @grpc/grpc-js client,',
    'one HTTP/2 channel with that many calls in flight, timed per call), the same latents, the three interleaved,',
    `${r.durationS} s per row and protocol. Server CPU is the server process's time (all threads, inference included) per`,
    "answered request, apart from the load generator's share of the machine (the grpc-js client costs more per call",
    'than autocannon). Run: `node --import tsx scripts/bench-serve.ts` (`--no-grpc` skips it).',
    '',
    '| request | n | concurrency | samples/s | p50 ms | p99 ms | mean batch | server CPU ms/request | refused / errors | vs REST |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...lines,
    '',
  ].join('\n');
}
