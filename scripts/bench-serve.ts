/**
 * Serving benchmark: samples/s and p50/p99 latency of `ganforge serve` under concurrent load
 * (autocannon, loopback) against raw session.run throughput of the same model, written as the
 * "Serving" section of BENCHMARKS.md. `pnpm bench` calls benchServing(); run alone with
 *   node --import tsx scripts/bench-serve.ts [--models <dir>] [--model <name>] [--duration 5] [--workers 1]
 * Without a model it uses the first one in models/, or a fixture MLP generator (100-256-256-784).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchServe, formatServeBench } from '../packages/serve/src/bench/serve-bench.ts';
import { writeTinyModel } from '../packages/serve/src/testing/tiny-generator.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchServingOptions {
  readonly modelsDir?: string;
  readonly model?: string;
  readonly durationS?: number;
  readonly workers?: number;
  /** Default: BENCHMARKS.md at the repository root. */
  readonly benchmarksFile?: string;
}

function firstModel(modelsDir: string): string | undefined {
  if (!existsSync(modelsDir)) return undefined;
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .find((n) => existsSync(join(modelsDir, n, 'model.onnx')) && existsSync(join(modelsDir, n, 'card.json')));
}

/** Replaces (or appends) the `## <heading>` section of a Markdown file, atomically. */
async function writeSection(file: string, heading: string, section: string): Promise<void> {
  const old = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const start = old.search(new RegExp(`^## ${heading}\\s*$`, 'm'));
  let next: string;
  if (start < 0) next = `${old.trimEnd()}\n\n${section.trimEnd()}\n`;
  else {
    const rest = old.slice(start + 3);
    const end = rest.search(/^## /m);
    const tail = end < 0 ? '' : rest.slice(end);
    next = `${old.slice(0, start)}${section.trimEnd()}\n${tail ? `\n${tail}` : ''}`;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, next);
  await rename(tmp, file);
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
    });
    const section = formatServeBench(result, note);
    await writeSection(options.benchmarksFile ?? join(ROOT, 'BENCHMARKS.md'), 'Serving', section);
    return section;
  } finally {
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      models: { type: 'string' },
      model: { type: 'string' },
      duration: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const section = await benchServing({
    ...(values.models ? { modelsDir: values.models } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.duration ? { durationS: Number(values.duration) } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values.out ? { benchmarksFile: values.out } : {}),
  });
  process.stdout.write(section);
}
