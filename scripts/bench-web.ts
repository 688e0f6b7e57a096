/**
 * Browser benchmark: generator sampling latency in headless Chromium (onnxruntime-web wasm, batch 1
 * and 16) next to onnxruntime-node for the same model, written as the "Browser" section of
 * BENCHMARKS.md. `pnpm bench` calls benchBrowser(); run alone with
 *   node --import tsx scripts/bench-web.ts [--models <dir>] [--model <name>] [--reps 30]
 * Without a model it uses the first one in models/, or a DCGAN-shaped fixture (z 100 -> 7x7x128 -> 14x14x64
 * -> 28x28x1, random weights) exported by packages/export.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS_FILE, firstModel, isMain, ROOT, writeMarkdownSection } from './bench-support.ts';
import { benchWeb, formatWebBench } from '@ganforge/web/bench';
import { chromiumSkipReason, launchChromium } from '../test/support/chromium.ts';
import { writeDcganModel } from '../test/support/web-models.ts';

export interface BenchBrowserOptions {
  readonly modelsDir?: string;
  readonly model?: string;
  readonly reps?: number;
  /** Default: BENCHMARKS.md at the repository root. */
  readonly benchmarksFile?: string;
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
    await writeMarkdownSection(options.benchmarksFile ?? BENCHMARKS_FILE, 'Browser', section);
    return section;
  } finally {
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
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
