/**
 * Training benchmark: the real `ganforge train` loop (wasm backend) against a PyTorch peer of the
 * identical networks and step (scripts/peers/torch_gan_step.py, Debian's python3-torch), measured
 * in the same run, interleaved (ganforge, PyTorch, ganforge, PyTorch, ...), each measurement in its
 * own process, on the shipped default's DCGAN at 32/32 and 64/64 filters (1 and 2 threads) and on
 * every MLP preset. Also: what the gradient-norm telemetry costs, and the kernels that dominate a
 * step (`ganforge train --profile`). Written as the "Training" section of BENCHMARKS.md.
 *   node --import tsx scripts/bench-train.ts [--rounds 2] [--quick]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTrainConfig, type TrainConfig } from '@ganforge/train';
import { BENCHMARKS_FILE, isMain, ROOT, writeMarkdownSection } from './bench-support.ts';
import { numberOption, parseScriptArgs } from './script-args.ts';

const CLI = join(ROOT, 'packages/cli/bin/ganforge.mjs');
const PEER = join(ROOT, 'scripts/peers/torch_gan_step.py');
const PYTHON = '/usr/bin/python3'; // Debian's python3, which sees Debian's python3-torch

interface Workload {
  readonly label: string;
  readonly config: string;
  readonly set: readonly string[];
  readonly threads: number;
  /** Steps measured after `warmup` steps. */
  readonly steps: number;
  readonly warmup: number;
}

function dcgan(filters: number, threads: number, quick: boolean): Workload {
  return {
    label: `DCGAN ${filters}/${filters} (dcgan-mnist, batch 64)`,
    config: 'configs/dcgan-mnist.yaml',
    set: [`generator.baseFilters=${filters}`, `discriminator.baseFilters=${filters}`],
    threads,
    steps: quick ? 4 : filters > 32 ? 12 : 20,
    warmup: 3,
  };
}

function mlpPresets(quick: boolean): Workload[] {
  return readdirSync(join(ROOT, 'configs'))
    .filter((f) => /^mlp-.*\.yaml$/.test(f))
    .sort()
    .map((f) => ({
      label: `${f.replace(/\.yaml$/, '')} (batch 100)`,
      config: `configs/${f}`,
      set: [],
      threads: 1,
      steps: quick ? 10 : 60,
      warmup: 5,
    }));
}

/** images/s of the real training loop: steps warmup+1..warmup+steps of metrics.jsonl (batch + step time). */
export function ganforgeImagesPerSec(
  w: Workload,
  extraSet: readonly string[] = [],
  gemm: 'onnxruntime' | 'xnnpack' = 'onnxruntime',
): number {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-bench-'));
  try {
    const sets = [
      ...w.set,
      ...extraSet,
      `steps=${w.warmup + w.steps}`,
      'logging.sampleEvery=0',
      'logging.checkpointEvery=0',
    ];
    execFileSync(
      process.execPath,
      [
        CLI,
        'train',
        '--config',
        join(ROOT, w.config),
        ...sets.flatMap((s) => ['--set', s]),
        '--backend',
        'wasm',
        '--threads',
        String(w.threads),
        '--wasm-gemm',
        gemm,
        '--out',
        out,
        '--progress',
        'lines',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const [run] = readdirSync(out);
    const rows = readFileSync(join(out, run ?? '', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; imagesPerSec: number });
    const measured = rows.filter((r) => r.step > w.warmup);
    const seconds = measured.reduce((s, r) => s + 1 / r.imagesPerSec, 0); // per image
    return measured.length / seconds;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The PyTorch peer's spec: the same layers, batch and optimizers as the resolved ganforge config. */
export function peerSpec(
  c: TrainConfig,
  threads: number,
  steps: number,
  warmup: number,
): Record<string, unknown> {
  const opt = (o: TrainConfig['optimizers']['g']) => ({
    lr: o.lr,
    beta1: o.beta1,
    beta2: o.beta2,
    epsilon: o.epsilon,
  });
  const common = {
    latent: c.latent.dim,
    batch: c.batchSize,
    threads,
    steps,
    warmup,
    optG: opt(c.optimizers.g),
    optD: opt(c.optimizers.d),
    moments: c.techniques.momentMatching.enabled ? c.techniques.momentMatching : null,
  };
  const g = c.generator;
  const d = c.discriminator;
  if (g.kind === 'dcgan' && d.kind === 'dcgan')
    return {
      ...common,
      kind: 'dcgan',
      gFilters: g.baseFilters,
      dFilters: d.baseFilters,
      kernel: g.kernelSize,
      leakyAlpha: d.leakyAlpha,
    };
  if (g.kind === 'mlp' && d.kind === 'mlp')
    return {
      ...common,
      kind: 'mlp',
      gHidden: g.hidden,
      dHidden: d.hidden,
      gBatchNorm: g.batchNorm,
      dropout: g.dropout,
      leakyAlpha: 0.2,
    };
  throw new Error(`bench: no PyTorch peer for ${g.kind} G with ${d.kind} D`);
}

function torchAvailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The BLAS the peer ran with (the last one seen): 'reference' makes PyTorch's dense layers ~5x slower. */
let peerBlas = 'unknown';

function torchImagesPerSec(w: Workload): number {
  const config = resolveTrainConfig({ file: join(ROOT, w.config), set: [...w.set] });
  // torch.set_num_threads does not bound OpenBLAS's own pool (Debian's libopenblas0-pthread): without
  // these a "1 thread" PyTorch step used ~1.6 cores.
  const threads = String(w.threads);
  const out = execFileSync(PYTHON, [PEER, JSON.stringify(peerSpec(config, w.threads, w.steps, w.warmup))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      OMP_NUM_THREADS: threads,
      OPENBLAS_NUM_THREADS: threads,
      MKL_NUM_THREADS: threads,
    },
  });
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { imagesPerSecond: number; blas?: string };
  peerBlas = r.blas ?? 'unknown';
  return r.imagesPerSecond;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

export async function benchTraining(
  options: { rounds?: number; quick?: boolean; benchmarksFile?: string } = {},
): Promise<string> {
  const rounds = options.rounds ?? 2;
  const quick = options.quick ?? false;
  const torch = torchAvailable();
  const workloads = [
    dcgan(32, 1, quick),
    dcgan(32, 2, quick),
    dcgan(64, 1, quick),
    dcgan(64, 2, quick),
    ...mlpPresets(quick),
  ];
  const results = workloads.map(() => ({
    ganforge: [] as number[],
    xnnpack: [] as number[],
    torch: [] as number[],
  }));
  const hasConvs = (w: Workload): boolean => w.label.startsWith('DCGAN');
  for (let r = 0; r < rounds; r++) {
    workloads.forEach((w, i) => {
      process.stderr.write(`bench train: round ${r + 1}/${rounds}: ${w.label}, ${w.threads} thread(s)\n`);
      results[i]!.ganforge.push(ganforgeImagesPerSec(w));
      if (hasConvs(w)) results[i]!.xnnpack.push(ganforgeImagesPerSec(w, [], 'xnnpack'));
      if (torch) results[i]!.torch.push(torchImagesPerSec(w));
    });
  }
  const rows = workloads.map((w, i) => {
    const g = mean(results[i]!.ganforge);
    const x = hasConvs(w) ? fmt(mean(results[i]!.xnnpack)) : '-';
    const t = torch ? mean(results[i]!.torch) : NaN;
    return `| ${w.label} | ${w.threads} | ${fmt(g)} | ${x} | ${torch ? fmt(t) : '-'} | ${torch ? `${(g / t).toFixed(2)}x` : '-'} |`;
  });
  const scaling = (route: 'ganforge' | 'xnnpack'): string =>
    [32, 64]
      .map((f) => {
        const at = (threads: number): number =>
          mean(
            results[workloads.findIndex((w) => w.label.includes(`${f}/${f}`) && w.threads === threads)]![
              route
            ],
          );
        return `${f}/${f}: ${(at(2) / at(1)).toFixed(2)}x`;
      })
      .join(', ');

  // Telemetry: the same workload with per-layer gradient norms every step and never, alternating,
  // 3 x rounds pairs, medians (the difference is a few percent: below a single pair's noise here).
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const telemetry = [dcgan(32, 1, quick), mlpPresets(quick)[0]!].map((w) => {
    const on: number[] = [];
    const off: number[] = [];
    for (let r = 0; r < 3 * rounds; r++) {
      on.push(ganforgeImagesPerSec(w, ['logging.gradNormEvery=1']));
      off.push(ganforgeImagesPerSec(w, ['logging.gradNormEvery=0']));
    }
    return `| ${w.label} | ${fmt(median(on))} | ${fmt(median(off))} | ${((1 - median(on) / median(off)) * 100).toFixed(1)}% |`;
  });

  const profileSteps = quick ? 3 : 10;
  const profile = execFileSync(
    process.execPath,
    [
      CLI,
      'train',
      '--config',
      join(ROOT, 'configs/dcgan-mnist.yaml'),
      '--backend',
      'wasm',
      '--threads',
      '1',
      '--profile',
      String(profileSteps),
    ],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );

  // Kernel by kernel, the two routes for convolutions and matmuls (its own process: one wasm thread).
  const kernels = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/bench-gemm-kernels.ts'), '--rounds', quick ? '2' : '5'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );

  const section = [
    '## Training',
    '',
    'The real `ganforge train` loop on the tfjs wasm backend (with the kernels ganforge registers: see',
    "`packages/backend/src/wasm/`; convolutions and matmuls on onnxruntime-node's native kernels, `packages/backend/src/native-gemm/`,",
    'and, in their own column, on XNNPACK inside wasm as before: `--wasm-gemm xnnpack`) against PyTorch running the identical networks and step',
    '(`scripts/peers/torch_gan_step.py`: same layers, losses, Adam settings, batch size, and a read-back of losses and',
    "per-parameter gradient norms every step, as ganforge does; neither computes gradients for D's parameters in G's",
    'update), in the same run, interleaved, each measurement in',
    `its own process, ${rounds} round(s), mean. ganforge's images/s come from its own per-step timing in metrics.jsonl`,
    '(batch + step) over the steps after a warm-up; PyTorch is timed over the same number of steps after its warm-up.',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.versions.node};`,
    `PyTorch ${torch ?? 'not installed (apt-get install python3-torch)'} (Debian python3-torch) with the ${peerBlas} BLAS${peerBlas === 'reference' ? ' (a weak peer: apt-get install libopenblas0-pthread makes its dense layers ~5x faster)' : ''};`,
    "OMP/OPENBLAS/MKL_NUM_THREADS set to the row's threads (torch.set_num_threads alone left OpenBLAS a second thread);",
    `date ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| workload | threads | ganforge images/s | ganforge, convolutions and matmuls on XNNPACK | PyTorch images/s | ganforge / PyTorch |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Two threads against one (ganforge, same run): onnxruntime route ${scaling('ganforge')}; XNNPACK route ${scaling('xnnpack')}.`,
    '',
    'Gradient-norm telemetry (`logging.gradNormEvery`, default 1: every step) against none, same run, alternating, median:',
    '',
    '| workload | images/s, norms every step | images/s, no norms | cost |',
    '|---|---|---|---|',
    ...telemetry,
    '',
    'Where a step of the shipped default goes (`ganforge train --config configs/dcgan-mnist.yaml --backend wasm',
    `--threads 1 --profile ${profileSteps}\`: each kernel's wall time over ${profileSteps} more steps, per step; the rest is JavaScript):`,
    '',
    '```',
    profile.trimEnd(),
    '```',
    '',
    'Run: `node --import tsx scripts/bench-train.ts` (or `npm run bench`). The tfjs cpu backend needs minutes per',
    'DCGAN step at this size and is left out.',
    '',
    '### Convolutions and matmuls on onnxruntime, kernel by kernel',
    '',
    "The convolutions and matmuls of a 64/64 DCGAN step at batch 64 on wasm, on onnxruntime-node's native kernels (the",
    'default) and on XNNPACK inside wasm (`--wasm-gemm xnnpack`), in one process, one thread, the two routes alternating',
    `round by round (${quick ? 2 : 5} rounds), medians of each kernel's median over 7 calls; each call reads its result back.`,
    '',
    kernels.trimEnd(),
    '',
    'Run: `node --import tsx scripts/bench-gemm-kernels.ts` (also part of `scripts/bench-train.ts`).',
    '',
  ].join('\n');
  await writeMarkdownSection(options.benchmarksFile ?? BENCHMARKS_FILE, 'Training', section);
  return section;
}

if (isMain(import.meta.url)) {
  const cmd = {
    name: 'bench-train',
    usage: 'usage: node --import tsx scripts/bench-train.ts [--rounds N] [--quick]',
  };
  const { values } = parseScriptArgs(cmd, {
    options: { rounds: { type: 'string' }, quick: { type: 'boolean' } },
  });
  const rounds = numberOption(cmd, 'rounds', values.rounds, { integer: true, min: 1 });
  process.stdout.write(
    await benchTraining({
      ...(rounds !== undefined ? { rounds } : {}),
      ...(values.quick ? { quick: true } : {}),
    }),
  );
}
