/**
 * Browser benchmark: generator sampling latency in headless Chromium (onnxruntime-web wasm, batch 1
 * and 16) next to onnxruntime-node for the same model, written as the "Browser" section of
 * BENCHMARKS.md. `pnpm bench` calls benchBrowser(); run alone with
 *   node --import tsx scripts/bench-web.ts [--models <dir>] [--model <name>] [--reps 30]
 * Without a model it uses the first one in models/, or a DCGAN-shaped fixture (z 100 -> 7x7x128 -> 14x14x64
 * -> 28x28x1, random weights) exported by packages/export.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  isMain,
  ROOT,
  writeBenchSection,
  type BenchFixture,
  type BenchModelOptions,
} from './bench-support.ts';
import { benchWeb, formatWebBench } from '@ganforge/web/bench';
import { chromiumSkipReason, launchChromium } from '../test/support/chromium.ts';
import { writeDcganModel } from '../test/support/web-models.ts';
import { numberOption, parseScriptArgs } from './script-args.ts';

export interface BenchBrowserOptions extends BenchModelOptions {
  readonly reps?: number;
}

/** Without a model: a DCGAN-shaped generator (z 100 -> 7x7x128 -> 14x14x64 -> 28x28x1) with random weights. */
const FIXTURE: BenchFixture = {
  name: 'dcgan-fixture',
  tempPrefix: 'ganforge-bench-web-',
  write: (modelsDir, name) => writeDcganModel(modelsDir, name, { latentDim: 100, base: 64, kernel: 4 }),
};

/** Runs the browser benchmark and writes the "Browser" section. Returns the section's Markdown. */
export async function benchBrowser(options: BenchBrowserOptions = {}): Promise<string> {
  const skip = chromiumSkipReason();
  if (skip) return `## Browser\n\nNot measured: ${skip}.\n`;
  execFileSync(process.execPath, [join(ROOT, 'packages/web/build.mjs')], { stdio: 'inherit' });
  return writeBenchSection('Browser', options, FIXTURE, async ({ modelsDir, model }) => {
    const result = await benchWeb({
      modelsDir,
      model,
      launch: launchChromium,
      ...(options.reps ? { reps: options.reps } : {}),
    });
    return formatWebBench(result);
  });
}

if (isMain(import.meta.url)) {
  const cmd = {
    name: 'bench-web',
    usage: 'usage: node --import tsx scripts/bench-web.ts [--models <dir>] [--model <name>] [--reps N]',
  };
  const { values } = parseScriptArgs(cmd, {
    options: { models: { type: 'string' }, model: { type: 'string' }, reps: { type: 'string' } },
  });
  const reps = numberOption(cmd, 'reps', values.reps, { integer: true, min: 1 });
  const section = await benchBrowser({
    ...(values.models ? { modelsDir: values.models } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(reps !== undefined ? { reps } : {}),
  });
  console.log(section);
}
