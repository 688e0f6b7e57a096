/**
 * The chaos suite: hot reload under load, SIGTERM under load, overload, kill -9 of training, bad CLI
 * inputs, path traversal and CORS, each against the real `ganforge` CLI in temporary folders on loopback,
 * bounded in count and time. Writes docs/RELIABILITY.md (atomically) and prints its tables; with --only,
 * into an existing report, only the sections of the experiments run are replaced.
 *
 *   npm run chaos [-- --quick] [-- --only <name>[,<name>]] [-- --out <file>] [-- --seed <n>]
 *   node --import tsx scripts/chaos.ts [same options]
 *
 * Exit code: 0 when every check passed, 1 when any failed, 2 for a bad option.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInputs } from './chaos/cli-inputs.ts';
import { hotReload } from './chaos/hot-reload.ts';
import { overload } from './chaos/overload.ts';
import {
  currentLoad,
  experimentTable,
  formatReport,
  GENERATED_MARKER,
  mergeReport,
  summaryTable,
  verdictCounts,
  writeAtomic,
  type ExperimentOutcome,
} from './chaos/report.ts';
import { sigterm } from './chaos/sigterm.ts';
import {
  check,
  ChildSet,
  killAllChildrenSync,
  makeTempDir,
  removeTempDir,
  ROOT,
  sleep,
  type ChaosOptions,
  type Check,
  type Experiment,
  type ExperimentContext,
} from './chaos/support.ts';
import { trainKill } from './chaos/train-kill.ts';
import { traversalCors } from './chaos/traversal-cors.ts';
import { parseScriptArgs, usageError } from './script-args.ts';

const EXPERIMENTS: readonly Experiment[] = [
  hotReload,
  sigterm,
  overload,
  trainKill,
  cliInputs,
  traversalCors,
];

const USAGE = `usage: node --import tsx scripts/chaos.ts [--quick] [--only <name>[,<name>...]] [--out <file>] [--seed <n>]
experiments: ${EXPERIMENTS.map((e) => e.name).join(', ')}`;

const suiteStart = performance.now();
function log(message: string): void {
  process.stderr.write(
    `[chaos ${((performance.now() - suiteStart) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  );
}

const COMMAND = { name: 'chaos', usage: USAGE };

function parseOptions(argv: string[]) {
  const { values } = parseScriptArgs(COMMAND, {
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const names = values.only?.split(',').map((s) => s.trim()) ?? EXPERIMENTS.map((e) => e.name);
  const unknown = names.filter((n) => !EXPERIMENTS.some((e) => e.name === n));
  if (unknown.length) usageError(COMMAND, `unknown experiment '${unknown.join("', '")}'`);
  let seed = Math.floor(Math.random() * 2 ** 32);
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed) || Number(values.seed) >= 2 ** 32)
      usageError(COMMAND, `--seed: expected a whole number from 0 to ${2 ** 32 - 1}, got '${values.seed}'`);
    seed = Number(values.seed);
  }
  return {
    options: { quick: values.quick, seed } satisfies ChaosOptions,
    experiments: EXPERIMENTS.filter((e) => names.includes(e.name)),
    out: values.out ?? join(ROOT, 'docs', 'RELIABILITY.md'),
    subset: values.only !== undefined,
  };
}

async function runExperiment(exp: Experiment, options: ChaosOptions): Promise<ExperimentOutcome> {
  const checks: Check[] = [];
  const notes: string[] = [];
  const temps: string[] = [];
  const aborter = new AbortController();
  const children = new ChildSet();
  let stopped = false;
  const ctx: ExperimentContext = {
    options,
    signal: aborter.signal,
    children,
    tempDir(label) {
      const dir = makeTempDir(label);
      temps.push(dir);
      return dir;
    },
    log,
    record(row) {
      if (stopped) {
        log(`  (after the time limit, not recorded) ${row.action}: ${row.measured}`);
        return;
      }
      checks.push(row);
      log(`  ${row.verdict.padEnd(4)} ${row.action}: ${row.measured}`);
    },
    note(text) {
      notes.push(text);
    },
  };
  const limitMs = exp.timeoutMs(options);
  const t0 = performance.now();
  log(`${exp.name}: start (time limit ${(limitMs / 1000).toFixed(0)} s)`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limitMs);
  });
  const running = exp.run(ctx).then(
    () => 'done' as const,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  try {
    const outcome = await Promise.race([running, timedOut]);
    if (outcome === 'timeout') {
      ctx.record(
        check(
          'the whole experiment',
          `stopped at its time limit of ${(limitMs / 1000).toFixed(0)} s (rows above are what it measured until then)`,
          'finishes within its time limit',
          false,
        ),
      );
    } else if (outcome instanceof Error) {
      ctx.record(check('the whole experiment', `crashed: ${outcome.message}`, 'runs to the end', false));
    }
  } finally {
    clearTimeout(timer);
    stopped = true;
    aborter.abort();
    await children.endAll();
    // After a timeout, let the experiment unwind now that its children are gone (bounded).
    await Promise.race([running, sleep(15_000, true)]);
    for (const dir of temps) removeTempDir(dir);
  }
  const seconds = (performance.now() - t0) / 1000;
  const v = verdictCounts(checks);
  log(
    `${exp.name}: done in ${seconds.toFixed(0)} s: ${v.pass} passed, ${v.fail} failed, ${v.info} informational`,
  );
  return { name: exp.name, title: exp.title, description: exp.describe(options), checks, notes, seconds };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { options, experiments, out, subset } = parseOptions(argv);
  const command =
    process.env.npm_lifecycle_event === 'chaos'
      ? `npm run chaos${argv.length ? ` -- ${argv.join(' ')}` : ''}`
      : `node --import tsx scripts/chaos.ts${argv.length ? ` ${argv.join(' ')}` : ''}`;
  const startedAt = new Date();
  const loadAtStart = currentLoad();
  log(`${experiments.map((e) => e.name).join(', ')}${options.quick ? ' (quick)' : ''}; seed ${options.seed}`);
  const outcomes: ExperimentOutcome[] = [];
  for (const exp of experiments) outcomes.push(await runExperiment(exp, options));
  const seconds = (performance.now() - suiteStart) / 1000;
  const report = { command, options, startedAt, seconds, outcomes, loadAtStart };
  // Some experiments (--only) into a full report: only their sections change (report.ts, mergeReport).
  const existing = subset && existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  const merge = existing?.includes(GENERATED_MARKER) === true;
  writeAtomic(out, merge ? mergeReport(existing!, report) : formatReport(report));
  log(`${merge ? 'updated' : 'wrote'} ${out}`);
  process.stdout.write(
    [
      summaryTable(outcomes),
      '',
      ...outcomes.flatMap((o) => [`## ${o.title}`, '', experimentTable(o), '']),
    ].join('\n'),
  );
  return outcomes.some((o) => verdictCounts(o.checks).fail > 0) ? 1 : 0;
}

// Whatever happens, no child process outlives the suite and no temp folder is left behind.
process.on('exit', killAllChildrenSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: ending the child processes and leaving`);
    killAllChildrenSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
// A stray rejection from an experiment that was stopped must not take the whole suite down.
process.on('unhandledRejection', (e) =>
  log(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}`),
);

process.exitCode = await main();
