/**
 * Serving benchmark: samples/s and p50/p99 latency of `ganforge serve` under concurrent load
 * (autocannon, loopback) against a naive per-request server and raw session.run throughput of the
 * same model, written as the "Serving" section of BENCHMARKS.md. `npm run bench` calls
 * benchServing(); run alone with `node --import tsx scripts/bench-serve.ts [options]` (`--help` lists them).
 * --only picks rows (format npy unless given: npy, png or v2); --rounds splits each row's time into
 * that many slices per server, run interleaved with the naive server's (ABBA); --warmup S gives each
 * server S seconds of the first row's load before anything is measured (default 4; 0: none).
 * --busy N keeps N processes spinning a core each at normal priority throughout (servers and raw alike):
 * a machine shared with other work, such as a training run.
 * Without a model it uses the first one in models/, or a fixture MLP generator (100-256-256-784).
 */
import {
  numberOption,
  parseScriptArgs,
  usageError,
  type NumberRule,
  type ScriptCommand,
} from './script-args.ts';
import { isMain, writeBenchSection, type BenchFixture, type BenchModelOptions } from './bench-support.ts';
import { benchGrpc, benchServe, formatGrpcBench, formatServeBench } from '@ganforge/serve/bench';
import { writeTinyModel } from '@ganforge/serve/testing';

export interface BenchServingOptions extends BenchModelOptions {
  readonly durationS?: number;
  readonly rounds?: number;
  /** Seconds of discarded load on each server before the measurements (default 4). */
  readonly warmUpS?: number;
  readonly workers?: number;
  readonly intraOpThreads?: number;
  readonly maxDelayMs?: number;
  readonly inlineMaxSamples?: number;
  readonly inlineMaxMs?: number;
  readonly inlineThreads?: number;
  readonly spreadMinSamples?: number;
  readonly workerNice?: number;
  readonly busy?: number;
  /** Rows to run, as "n:connections" (npy) or "n:connections:format" (npy, png, v2). */
  readonly only?: readonly string[];
  /** Time a lone client against both servers (default true). */
  readonly lone?: boolean;
  /** false: every request through Express (the baseline before the fast path; `--no-fast-path`). */
  readonly fastPath?: boolean;
  /** Also compare REST and gRPC on /v2 infer (default true; `--no-grpc`). */
  readonly grpc?: boolean;
}

/** Without a model: an MLP generator 100-256-256-784 written directly as ONNX. */
const FIXTURE: BenchFixture = {
  name: 'mlp-fixture',
  tempPrefix: 'ganforge-bench-serve-',
  write: (modelsDir, name) =>
    writeTinyModel(modelsDir, name, {
      latentDim: 100,
      height: 28,
      width: 28,
      channels: 1,
      hidden: { width: 256, layers: 2 },
    }),
};

/** Runs the serving benchmark and writes the "Serving" section. Returns the section's Markdown. */
export function benchServing(options: BenchServingOptions = {}): Promise<string> {
  return writeBenchSection('Serving', options, FIXTURE, async ({ modelsDir, model, fixture }) => {
    const note = fixture
      ? 'no model in models/: a fixture MLP generator 100-256-256-784 written directly as ONNX'
      : '';
    const result = await benchServe({
      modelsDir,
      model,
      ...(options.durationS !== undefined ? { durationS: options.durationS } : {}),
      ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
      ...(options.warmUpS !== undefined ? { warmUpS: options.warmUpS } : {}),
      ...(options.lone !== undefined ? { lone: options.lone } : {}),
      ...(options.fastPath !== undefined ? { fastPath: options.fastPath } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
      ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
      ...(options.inlineMaxSamples !== undefined ? { inlineMaxSamples: options.inlineMaxSamples } : {}),
      ...(options.inlineMaxMs !== undefined ? { inlineMaxMs: options.inlineMaxMs } : {}),
      ...(options.inlineThreads !== undefined ? { inlineThreads: options.inlineThreads } : {}),
      ...(options.spreadMinSamples !== undefined ? { spreadMinSamples: options.spreadMinSamples } : {}),
      ...(options.workerNice !== undefined ? { workerNice: options.workerNice } : {}),
      ...(options.busy !== undefined ? { busy: options.busy } : {}),
      ...(options.only
        ? {
            scenarios: options.only.map((row) => {
              const [n, connections, format = 'npy'] = row.split(':');
              if (format !== 'npy' && format !== 'png' && format !== 'v2')
                throw new Error(`--only ${row}: the format is npy, png or v2`);
              return { n: Number(n ?? 1), connections: Number(connections ?? 1), format };
            }),
          }
        : {}),
    });
    const grpc =
      options.grpc === false
        ? undefined
        : await benchGrpc({
            modelsDir,
            model,
            durationS: result.durationS,
            rounds: result.rounds,
            workers: result.workers,
            intraOpThreads: result.threadsPerWorker,
            maxBatch: result.maxBatch,
            maxDelayMs: result.maxDelayMs,
          });
    return formatServeBench(result, note) + (grpc ? `\n${formatGrpcBench(grpc)}` : '');
  });
}

const COMMAND: ScriptCommand = {
  name: 'bench-serve',
  usage: `usage: node --import tsx scripts/bench-serve.ts [--models <dir>] [--model <name>] [--duration 5]
       [--rounds 2] [--warmup 4] [--workers 1] [--threads N] [--max-delay-ms 0] [--inline-max N] [--inline-max-ms MS]
       [--inline-threads N] [--spread-min N] [--worker-nice N] [--busy N] [--only n:connections[:format],...]
       [--no-lone] [--no-fast-path] [--no-grpc] [--out file.md]`,
};

/** --only's rows, each "n:connections" or "n:connections:format": whole numbers from 1, format npy, png or v2. */
function onlyRows(raw: string): string[] {
  const rows = raw.split(',');
  for (const row of rows) {
    const [n, connections, format = 'npy', ...rest] = row.split(':');
    const count = (v: string | undefined) => v !== undefined && /^[1-9]\d*$/.test(v);
    if (!count(n) || !count(connections) || !['npy', 'png', 'v2'].includes(format) || rest.length > 0)
      usageError(
        COMMAND,
        `--only: '${row}' is not n:connections[:format] (whole numbers from 1; format npy, png or v2)`,
      );
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const { values } = parseScriptArgs(COMMAND, {
    options: {
      models: { type: 'string' },
      model: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      'no-lone': { type: 'boolean' },
      'no-fast-path': { type: 'boolean' },
      'no-grpc': { type: 'boolean' },
      workers: { type: 'string' },
      threads: { type: 'string' },
      'max-delay-ms': { type: 'string' },
      'inline-max': { type: 'string' },
      'inline-max-ms': { type: 'string' },
      'inline-threads': { type: 'string' },
      'spread-min': { type: 'string' },
      'worker-nice': { type: 'string' },
      busy: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const num = (flag: keyof typeof values, rule: NumberRule = { integer: true }) =>
    numberOption(COMMAND, flag, values[flag] as string | undefined, rule);
  const options: BenchServingOptions = {
    ...(values.models ? { modelsDir: values.models } : {}),
    ...(values.model ? { model: values.model } : {}),
    durationS: num('duration', { above: true }),
    rounds: num('rounds', { integer: true, min: 1 }),
    warmUpS: num('warmup', { min: 0 }),
    ...(values['no-lone'] ? { lone: false } : {}),
    ...(values['no-fast-path'] ? { fastPath: false } : {}),
    ...(values['no-grpc'] ? { grpc: false } : {}),
    workers: num('workers', { integer: true, min: 1 }),
    intraOpThreads: num('threads', { integer: true, min: 1 }),
    maxDelayMs: num('max-delay-ms', {}),
    inlineMaxSamples: num('inline-max'),
    inlineMaxMs: num('inline-max-ms', {}),
    inlineThreads: num('inline-threads', { integer: true, min: 1 }),
    spreadMinSamples: num('spread-min', { integer: true, min: 1 }),
    workerNice: num('worker-nice', { integer: true, max: 19 }),
    busy: num('busy'),
    ...(values.only !== undefined ? { only: onlyRows(values.only) } : {}),
    ...(values.out ? { benchmarksFile: values.out } : {}),
  };
  // An option not given is undefined here: the benchmark's default applies.
  process.stdout.write(await benchServing(options));
}
