import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { Option } from 'commander';
import { GanforgeError } from '@ganforge/core';
import { CommandExit } from '../exit.ts';
import { integer } from '../options.ts';
import { signalExitCode, trapStopSignals } from '../stop-signals.ts';
import type { AblationPlan } from '@ganforge/ablate';
import type { RegisterCommand } from './index.ts';

const BACKENDS = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

interface AblateFlags {
  out?: string;
  jobs?: number;
  threads: number;
  backend: (typeof BACKENDS)[number];
  index?: number;
  collect?: string;
  emit?: 'kubernetes';
  image: string;
  claim: string;
  cpu: number;
  memory: string;
  plan: boolean;
  progress: 'auto' | 'bar' | 'lines';
}

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** Default parallel runs: one per `threads` cores (wasm threads per run), at least one. */
export function defaultJobs(threads: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, threads)));
}

export const registerAblate: RegisterCommand = (program) => {
  program
    .command('ablate')
    .description(
      'Run an ablation suite: every variant x seed as its own training run (child processes, resumable), ' +
        'each evaluated at its checkpoints; writes ablation.json, ablation.md and ablation.html with ' +
        'mean ± std over seeds, quality-vs-step curves, sample grids and detector events',
    )
    .argument('[suite]', 'a suite file, e.g. suites/stabilization-tricks.yaml (see suites/README.md)')
    .option('--out <dir>', 'result folder (default: ablations/<suite name>); run again to resume')
    .option(
      '--jobs <n>',
      'runs at a time, each its own process (default: cores / --threads)',
      integer(1, 256),
    )
    .option('--threads <n>', 'wasm backend: threads per run (XNNPACK and onnxruntime)', integer(1, 8), 1)
    .addOption(
      new Option('--backend <name>', 'tfjs backend of every run (training and evaluation)')
        .choices(BACKENDS)
        .default('auto'),
    )
    .option(
      '--index <i>',
      'train and evaluate only run i of the plan, what each Kubernetes pod runs (default: none, every run)',
      integer(0),
    )
    .option(
      '--collect <dir>',
      'build the report from the finished runs in a result folder, run nothing (default: none)',
    )
    .addOption(
      new Option(
        '--emit <kind>',
        'print a manifest that runs the suite on a cluster instead of here (default: none, run here)',
      ).choices(['kubernetes']),
    )
    .option(
      '--image <ref>',
      "--emit: container image (the Dockerfile's trainer target)",
      'ganforge-trainer:0.1.0',
    )
    .option('--claim <name>', '--emit: PersistentVolumeClaim holding the results', 'ganforge-ablations')
    .option('--cpu <n>', '--emit: CPU cores per pod (also its wasm threads)', integer(1, 64), 2)
    .option('--memory <size>', '--emit: memory per pod', '4Gi')
    .option('--plan', 'print the runs the suite expands to (variant, seed, overrides) and exit', false)
    .addOption(
      new Option('--progress <mode>', 'progress display: bar on a terminal, lines otherwise')
        .choices(['auto', 'bar', 'lines'])
        .default('auto'),
    )
    .action(async (suite: string | undefined, flags: AblateFlags) => {
      const ablate = await import('@ganforge/ablate');
      // The command that reproduces a result folder's numbers: the suite, and --out when not the default.
      const reproduce = (p: AblationPlan, out: string): string =>
        `ganforge ablate ${p.suite.file}${out === `ablations/${p.suite.name}` ? '' : ` --out ${out}`}`;
      if (flags.collect !== undefined) {
        const result = ablate.collectAblation(
          flags.collect,
          reproduce(ablate.readPlan(flags.collect), flags.collect),
        );
        const written = ablate.writeAblationReport(flags.collect, result);
        await ablate.writeAblationFigures(flags.collect, result);
        process.stdout.write(`${ablate.renderAblationMarkdown(result)}\nwrote ${show(written.html)}\n`);
        return;
      }
      if (suite === undefined) {
        throw new GanforgeError('usage', 'ganforge ablate needs a suite file (or --collect <dir>)', {
          hint: 'e.g. ganforge ablate suites/stabilization-tricks.yaml',
          usage: true,
        });
      }
      const plan = ablate.planSuiteFile(suite);
      const out = flags.out ?? `ablations/${plan.suite.name}`;
      if (flags.plan) {
        process.stdout.write(ablate.formatPlan(plan));
        return;
      }
      if (flags.emit === 'kubernetes') {
        process.stdout.write(
          ablate.kubernetesJobYaml(plan, {
            suiteFile: suite,
            image: flags.image,
            resultsClaim: flags.claim,
            resultsPath: '/results',
            parallelism: flags.jobs ?? plan.runs.length,
            cpu: String(flags.cpu),
            memory: flags.memory,
          }),
        );
        return;
      }
      const launcher = { node: process.execPath, args: [...process.execArgv, process.argv[1] ?? ''] };
      const stop = trapStopSignals();
      try {
        if (flags.index !== undefined) {
          const run = plan.runs[flags.index];
          if (run === undefined) {
            throw new GanforgeError(
              'bad_option',
              `--index ${flags.index}: the plan has runs 0..${plan.runs.length - 1}`,
              {
                hint: 'ganforge ablate <suite> --plan lists them',
                usage: true,
              },
            );
          }
          ablate.preparePlan(out, plan);
          const parent = ablate.parentGoneSignal();
          const outcome = await ablate
            .runOne({
              out,
              plan,
              run,
              launcher,
              threads: flags.threads,
              backend: flags.backend,
              signal: AbortSignal.any([stop.signal, parent.signal]),
              onPhase: (text) => process.stdout.write(`${run.id}: ${text}\n`),
            })
            .finally(() => parent.dispose());
          process.stdout.write(`${run.id}: ${outcome}\n`);
          if (outcome === 'interrupted')
            throw new CommandExit(
              stop.received ? signalExitCode(stop.received) : 1,
              stop.received
                ? `stopped by ${stop.received}`
                : 'stopped: the ganforge ablate that started it is gone',
            );
          if (outcome === 'failed') throw new CommandExit(1, `${run.id} failed`);
          return;
        }
        const unlock = ablate.lockResultFolder(out);
        try {
          ablate.preparePlan(out, plan);
          const pending = ablate.pendingRuns(out, plan).length;
          const jobs = Math.min(flags.jobs ?? defaultJobs(flags.threads), Math.max(1, pending));
          process.stdout.write(
            `ablation ${plan.suite.name}: ${plan.variants.length} variants x ${plan.seeds.length} seeds = ` +
              `${plan.runs.length} runs of ${plan.budget.steps} steps (${plan.runs.length - pending} already done), ` +
              `${jobs} at a time, ${flags.threads} thread(s) each; results in ${show(out)}\n`,
          );
          const progress = ablate.createAblationProgress({
            total: plan.runs.length,
            alreadyDone: plan.runs.length - pending,
            jobs,
            plain: flags.progress === 'auto' ? undefined : flags.progress === 'lines',
            stepOf: (run) => ablate.trainedStep(out, run),
            steps: plan.budget.steps,
          });
          const scheduled = await ablate
            .scheduleRuns({
              out,
              suiteFile: suite,
              plan,
              jobs,
              threads: flags.threads,
              backend: flags.backend,
              launcher,
              signal: stop.signal,
              events: progress,
            })
            .finally(() => progress.stop());
          const command = reproduce(plan, out);
          const result = ablate.collectAblation(out, command);
          const written = ablate.writeAblationReport(out, result);
          await ablate.writeAblationFigures(out, result);
          process.stdout.write(`\n${ablate.renderAblationMarkdown(result)}\nwrote ${show(written.html)}\n`);
          if (scheduled.interrupted && stop.received) {
            process.stdout.write(`interrupted; finished runs are kept. Resume with: ${command}\n`);
            throw new CommandExit(signalExitCode(stop.received), `stopped by ${stop.received}`);
          }
          if (scheduled.failed.length > 0) {
            throw new GanforgeError(
              'ablate_failed',
              `${scheduled.failed.length} run(s) failed: ${scheduled.failed.join(', ')}`,
              {
                hint: `see ${show(out)}/runs/<id>/failed.json and train.log; run the same command again to retry them`,
              },
            );
          }
        } finally {
          unlock();
        }
      } finally {
        stop.dispose();
      }
    });
};
