/**
 * Browser benchmark: generator sampling latency in headless Chromium (onnxruntime-web wasm, batch 1
 * and 16) next to onnxruntime-node for the same model, written as the "Browser" section of
 * BENCHMARKS.md. `pnpm bench` calls benchBrowser(); run alone with
 *   node --import tsx scripts/bench-web.ts [--models <dir>] [--model <name>] [--reps 30]
 * Without a model it uses the first one in models/, or a DCGAN-shaped fixture (z 100 -> 7x7x128 -> 14x14x64
 * -> 28x28x1, random weights) exported by packages/export.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchWeb, formatWebBench } from '../packages/web/src/bench/browser-bench.ts';
import { chromiumSkipReason, launchChromium } from '../test/support/chromium.ts';
import { writeDcganModel } from '../test/support/web-models.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchBrowserOptions {
  readonly modelsDir?: string;
  readonly model?: string;
  readonly reps?: number;
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
export async function writeMarkdownSection(file: string, heading: string, section: string): Promise<void> {
  const old = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const start = old.search(new RegExp(`^## ${heading}\\s*$`, 'm'));
  let next: string;
  if (start < 0) {
    next = `${old.trimEnd()}\n\n${section.trimEnd()}\n`;
  } else {
    const rest = old.slice(start + 3);
    const end = rest.search(/^## /m);
    const tail = end < 0 ? '' : rest.slice(end);
    next = `${old.slice(0, start)}${section.trimEnd()}\n${tail ? `\n${tail}` : ''}`;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, next);
  await rename(tmp, file);
}

/** Runs the browser benchmark and writes the "Browser" section. Returns the section's Markdown. */
export async function benchBrowser(options: BenchBrowserOptions = {}): Promise<string> {
  const skip = chromiumSkipReason();
  if (skip) return `## Browser\n\nNot measured: ${skip}.\n`;
  execFileSync(process.execPath, [join(ROOT, 'packages/web/build.mjs')], { stdio: 'inherit' });
  let modelsDir = options.modelsDir ?? join(ROOT, 'models');
  let model = options.model ?? firstModel(modelsDir);
  let fixtureDir: string | undefined;
  if (model === undefined) {
    fixtureDir = mkdtempSync(join(tmpdir(), 'ganforge-bench-web-'));
    modelsDir = fixtureDir;
    model = 'dcgan-fixture';
    await writeDcganModel(modelsDir, model, { latentDim: 100, base: 64, kernel: 4 });
  }
  try {
    const result = await benchWeb({
      modelsDir,
      model,
      launch: launchChromium,
      ...(options.reps ? { reps: options.reps } : {}),
    });
    const section = formatWebBench(result);
    await writeMarkdownSection(options.benchmarksFile ?? join(ROOT, 'BENCHMARKS.md'), 'Browser', section);
    return section;
  } finally {
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { models: { type: 'string' }, model: { type: 'string' }, reps: { type: 'string' } },
  });
  const section = await benchBrowser({
    ...(values.models ? { modelsDir: values.models } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.reps ? { reps: Number(values.reps) } : {}),
  });
  console.log(section);
}
