/**
 * Training benchmark: ms per DCGAN G+D step (batch 64, Adam) on MNIST-sized input, on the wasm
 * backend with 1 and 2 XNNPACK threads, each in its own process (wasm threads are fixed at start),
 * for the shipped default's shape (configs/dcgan-mnist.yaml: 32/32 filters, kernel 4) and the
 * DCGAN paper's wider 64/64. Written as the "Training" section of BENCHMARKS.md.
 *   node --import tsx scripts/bench-train.ts [--steps 5]
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS_FILE, isMain, ROOT, writeMarkdownSection } from './bench-support.ts';

interface ProbeLine {
  backend: { name: string; threads: number; simd?: boolean };
  msPerStep: number;
  cpuMsPerStep: number;
  imagesPerSecond: number;
}

function probe(args: string[]): ProbeLine {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/probe-wasm-step.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ProbeLine;
}

export async function benchTraining(
  options: { steps?: number; benchmarksFile?: string } = {},
): Promise<string> {
  const steps = String(options.steps ?? 5);
  const rows: string[] = [];
  for (const filters of [32, 64]) {
    for (const threads of [1, 2]) {
      const r = probe([
        '--backend',
        'wasm',
        '--threads',
        String(threads),
        '--steps',
        steps,
        '--g-filters',
        String(filters),
        '--d-filters',
        String(filters),
        '--batch',
        '64',
      ]);
      rows.push(
        `| ${filters}/${filters} | wasm | ${r.backend.threads} | ${r.backend.simd ? 'on' : 'off'} | ${r.msPerStep.toFixed(0)} | ${r.cpuMsPerStep.toFixed(0)} | ${r.imagesPerSecond.toFixed(0)} |`,
      );
    }
  }
  const section = [
    '## Training',
    '',
    'One DCGAN training step (D on a real and a fake batch, then G; Adam 2e-4, beta1 0.5; batch 64; 28x28x1;',
    "kernel 4) on the tfjs wasm backend with ganforge's Conv2DBackpropFilter/Input kernels, the first (warm-up)",
    `step left out, mean of ${steps} steps; each row in its own process.`,
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.versions.node}.`,
    '',
    '| G/D base filters | backend | threads | SIMD | wall ms/step | CPU ms/step | images/s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Run: `node --import tsx scripts/bench-train.ts` (or `npm run bench`). The tfjs cpu backend needs',
    'minutes per step at this size (PIPELINE.md: ~540 s) and is left out.',
    '',
  ].join('\n');
  await writeMarkdownSection(options.benchmarksFile ?? BENCHMARKS_FILE, 'Training', section);
  return section;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { steps: { type: 'string' } } });
  process.stdout.write(await benchTraining(values.steps ? { steps: Number(values.steps) } : {}));
}
