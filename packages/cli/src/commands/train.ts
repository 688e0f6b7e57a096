import { relative } from 'node:path';
import { Option } from 'commander';
import { GanforgeError } from '@ganforge/core';
import type { ProgressReporter, RunStart } from '@ganforge/train';
import { CommandExit } from '../exit.ts';
import { collect, integer } from '../options.ts';
import { signalExitCode, trapStopSignals } from '../stop-signals.ts';
import type { RegisterCommand } from './index.ts';

const BACKENDS = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

interface TrainFlags {
  config?: string;
  set: string[];
  printConfig: boolean;
  resume?: string;
  backend: (typeof BACKENDS)[number];
  out: string;
  progress: 'auto' | 'bar' | 'lines';
  onFailure: 'stop' | 'warn' | 'rescue';
  dashboard: boolean;
  dashboardPort: number;
  threads: number;
  wasmGemm?: 'onnxruntime' | 'xnnpack';
  profile?: number | true;
}

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** This process's command line as a user would type it again (arguments with spaces quoted). */
function commandLine(): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['ganforge', ...process.argv.slice(2)].map(quote).join(' ');
}

function describeStart(info: RunStart): string {
  const b = info.backend;
  const extras = [
    `threads ${b.threads}`,
    ...(b.simd === undefined ? [] : [`simd ${b.simd ? 'on' : 'off'}`]),
    ...(b.gemm === undefined ? [] : [`convolutions and matmuls on ${b.gemm}`]),
    ...(b.adapter === undefined ? [] : [`adapter ${b.adapter}`]),
  ];
  const { height, width, channels } = info.dataset.shape;
  return [
    `backend: ${b.name} (tfjs ${b.tfjsName} ${b.version}), ${extras.join(', ')}`,
    `dataset: ${info.dataset.name}, ${info.dataset.size} images ${height}x${width}x${channels}`,
    info.resumedFrom
      ? `resuming ${show(info.runDir)} from step ${info.startStep} of ${info.totalSteps}`
      : `run: ${show(info.runDir)} (${info.totalSteps} steps, batch ${info.config.batchSize})`,
  ].join('\n');
}

export const registerTrain: RegisterCommand = (program) => {
  program
    .command('train')
    .description(
      'Train a GAN: writes a run directory with config, metrics.jsonl, sample grids and checkpoints',
    )
    .option(
      '-c, --config <file>',
      'YAML or JSON config (see configs/) (default: none: the built-in defaults, a DCGAN on MNIST for 1 epoch; see --print-config)',
    )
    .option(
      '--set <key=value>',
      'override one config field, e.g. --set optimizers.d.lr=0.0004 (repeatable)',
      collect,
      [],
    )
    .option('--print-config', 'print the fully resolved config (YAML) and exit', false)
    .option(
      '--resume <run>',
      "continue a run directory from its latest checkpoint, with the run's own config; --set may change steps, epochs, lr, logging, techniques (default: none, start a new run)",
    )
    .addOption(
      new Option('--backend <name>', "tfjs backend (overrides the config's backend field)")
        .choices(BACKENDS)
        .default('auto'),
    )
    .option('--out <dir>', 'parent folder of new run directories', 'runs')
    .addOption(
      new Option('--progress <mode>', 'progress display: bar on a terminal, lines otherwise')
        .choices(['auto', 'bar', 'lines'])
        .default('auto'),
    )
    .addOption(
      new Option('--on-failure <mode>', 'what a detected failure (NaN, D overpowering, collapse, ...) does')
        .choices(['stop', 'warn', 'rescue'])
        .default('warn'),
    )
    .option(
      '--threads <n>',
      'wasm backend: threads for XNNPACK and for the convolutions and matmuls on onnxruntime (0 = auto: $GANFORGE_WASM_THREADS, else 1 with --wasm-gemm onnxruntime, one per core with xnnpack; at most 8)',
      integer(0, 8),
      0,
    )
    .addOption(
      new Option(
        '--wasm-gemm <engine>',
        "wasm backend: where convolutions and matmuls run: onnxruntime (onnxruntime-node's native kernels) or xnnpack (inside wasm) (default: $GANFORGE_WASM_GEMM, else onnxruntime)",
      ).choices(['onnxruntime', 'xnnpack']),
    )
    .option(
      '--profile [steps]',
      'time this many training steps of the config after a warm-up (true = 10), print the kernels that dominate a step, and exit without writing a run (default: off)',
      integer(1, 10_000),
    )
    .option('--dashboard', 'serve live charts on http://127.0.0.1:<port>/ while training', false)
    .option('--dashboard-port <port>', 'port of --dashboard (0 = any free port)', integer(0, 65535), 6006)
    .action(async (flags: TrainFlags, command: { getOptionValueSource(key: string): string | undefined }) => {
      // Loaded here, not at the top: other commands should not pay for (or depend on) tfjs.
      const {
        createProgressReporter,
        formatStepProfile,
        formatTrainConfig,
        profileTraining,
        resolveTrainConfig,
        trainSupervised,
      } = await import('@ganforge/train');
      const { formatEvent } = await import('@ganforge/runs');
      const backendGiven = command.getOptionValueSource('backend') === 'cli';
      if (flags.resume !== undefined && flags.config !== undefined) {
        throw new GanforgeError(
          'usage',
          '--resume continues a run with the config it recorded; --config cannot be combined with it',
          {
            hint: 'drop --config (a few fields may still change with --set, e.g. steps or optimizers.d.lr)',
          },
        );
      }
      const config =
        flags.resume === undefined
          ? resolveTrainConfig({
              file: flags.config,
              set: backendGiven ? [...flags.set, `backend=${flags.backend}`] : flags.set,
            })
          : undefined;
      if (flags.printConfig) {
        if (!config)
          throw new GanforgeError('usage', '--print-config needs a config, not --resume', {
            hint: 'cat <run>/config.json',
          });
        process.stdout.write(formatTrainConfig(config));
        return;
      }
      if (flags.profile !== undefined) {
        if (!config)
          throw new GanforgeError('usage', '--profile measures a config, not a --resume', {
            hint: 'ganforge train --config <file> --profile',
          });
        const profile = await profileTraining(config, {
          backend: backendGiven ? flags.backend : undefined,
          wasmThreads: flags.threads > 0 ? flags.threads : undefined,
          wasmGemm: flags.wasmGemm,
          steps: flags.profile === true ? 10 : flags.profile,
        });
        process.stdout.write(formatStepProfile(profile));
        return;
      }
      // The live dashboard is @ganforge/report's, loaded only for --dashboard.
      const startDashboard = flags.dashboard ? (await import('@ganforge/report')).startDashboard : undefined;
      let progress: ProgressReporter | undefined;
      let dashboard: { url: string; close(): Promise<void> } | undefined;
      let dashboardStarted = false;
      // While the bar is shown, everything printed goes through it (above the bar, whole).
      const say = (text: string): void =>
        progress ? progress.log(text) : void process.stdout.write(`${text}\n`);
      // Ctrl-C or SIGTERM: finish the step, write a checkpoint, then exit 130 or 143.
      const stop = trapStopSignals();
      const { result, stoppedBy } = await trainSupervised({
        config,
        resume: flags.resume,
        resumeSet: flags.resume === undefined ? undefined : flags.set,
        out: flags.out,
        backend: backendGiven ? flags.backend : undefined,
        wasmThreads: flags.threads > 0 ? flags.threads : undefined,
        wasmGemm: flags.wasmGemm,
        onBackendSkip: (name, reason) => process.stderr.write(`backend ${name} skipped: ${reason}\n`),
        signal: stop.signal,
        command: commandLine(),
        onFailure: flags.onFailure,
        onStart: (info) => {
          // Called once per training segment (a rescue resumes the run in a new segment).
          progress?.stop();
          process.stdout.write(`${describeStart(info)}\n`);
          progress = createProgressReporter({
            totalSteps: info.totalSteps,
            startStep: info.startStep,
            plain: flags.progress === 'auto' ? undefined : flags.progress === 'lines',
          });
          if (startDashboard && !dashboardStarted) {
            dashboardStarted = true;
            void startDashboard({ runDir: info.runDir, port: flags.dashboardPort }).then((d) => {
              dashboard = d;
              say(`dashboard: ${d.url}`);
            });
          }
        },
        onStep: (m) => progress?.update(m),
        onEvent: (e) => say(formatEvent(e)),
        onDecision: (d) => say(d.message),
      }).finally(async () => {
        stop.dispose();
        progress?.stop();
        progress = undefined;
        await dashboard?.close();
      });
      if (stoppedBy) process.stdout.write(`stopped: ${stoppedBy.message}\n`);
      const where = show(result.runDir);
      if (result.status === 'interrupted') {
        process.stdout.write(
          `interrupted at step ${result.step}/${result.totalSteps}; checkpoint ${show(result.lastCheckpoint ?? where)}\n` +
            `resume with: ganforge train --resume ${where}\n`,
        );
        // Not a success: `ganforge train ... && ganforge export ...` must not go on with a partial run.
        if (stop.received)
          throw new CommandExit(signalExitCode(stop.received), `stopped by ${stop.received}`);
      } else {
        process.stdout.write(`done: ${result.step} steps; run ${where}; samples in ${where}/samples\n`);
      }
    });
};
