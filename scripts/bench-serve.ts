/**
 * Serving benchmark: samples/s and p50/p99 latency of `ganforge serve` under concurrent load
 * (autocannon, loopback) against a naive per-request server and raw session.run throughput of the
 * same model, written as the "Serving" section of BENCHMARKS.md. `npm run bench` calls
 * benchServing(); run alone with
 *   node --import tsx scripts/bench-serve.ts [--models <dir>] [--model <name>] [--duration 5]
 *        [--workers 1] [--threads N] [--max-delay-ms 0] [--only n:connections,...] [--out file.md]
 * Without a model it uses the first one in models/, or a fixture MLP generator (100-256-256-784).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS_FILE, firstModel, isMain, ROOT, writeMarkdownSection } from './bench-support.ts';
import { benchServe, formatServeBench } from '@ganforge/serve/bench';
import { writeTinyModel } from '@ganforge/serve/testing';

export interface BenchServingOptions {
  readonly modelsDir?: string;
  readonly model?: string;
  readonly durationS?: number;
  readonly workers?: number;
  readonly intraOpThreads?: number;
  readonly maxDelayMs?: number;
  /** A subset of the default scenarios, as "n:connections" pairs (npy). */
  readonly only?: readonly string[];
  /** Default: BENCHMARKS.md at the repository root. */
  readonly benchmarksFile?: string;
}

/** Runs the serving benchmark and writes the "Serving" section. Returns the section's Markdown. */
export async function benchServing(options: BenchServingOptions = {}): Promise<string> {
  let modelsDir = options.modelsDir ?? join(ROOT, 'models');
  let model = options.model ?? firstModel(modelsDir);
  let note = '';
  let fixtureDir: string | undefined;
  if (model === undefined) {
    fixtureDir = mkdtempSync(join(tmpdir(), 'ganforge-bench-serve-'));
    modelsDir = fixtureDir;
    model = 'mlp-fixture';
    note = 'no model in models/: a fixture MLP generator 100-256-256-784 written directly as ONNX';
    await writeTinyModel(modelsDir, model, {
      latentDim: 100,
      height: 28,
      width: 28,
      channels: 1,
      hidden: { width: 256, layers: 2 },
    });
  }
  try {
    const result = await benchServe({
      modelsDir,
      model,
      ...(options.durationS !== undefined ? { durationS: options.durationS } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
      ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
      ...(options.only
        ? {
            scenarios: options.only.map((pair) => {
              const [n, connections] = pair.split(':').map(Number);
              return { n: n ?? 1, connections: connections ?? 1, format: 'npy' as const };
            }),
          }
        : {}),
    });
    const section = formatServeBench(result, note);
    await writeMarkdownSection(options.benchmarksFile ?? BENCHMARKS_FILE, 'Serving', section);
    return section;
  } finally {
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      models: { type: 'string' },
      model: { type: 'string' },
      duration: { type: 'string' },
      workers: { type: 'string' },
      threads: { type: 'string' },
      'max-delay-ms': { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const section = await benchServing({
    ...(values.models ? { modelsDir: values.models } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.duration ? { durationS: Number(values.duration) } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values.threads ? { intraOpThreads: Number(values.threads) } : {}),
    ...(values['max-delay-ms'] ? { maxDelayMs: Number(values['max-delay-ms']) } : {}),
    ...(values.only ? { only: values.only.split(',') } : {}),
    ...(values.out ? { benchmarksFile: values.out } : {}),
  });
  process.stdout.write(section);
}
