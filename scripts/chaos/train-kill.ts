/**
 * Experiment 4: kill -9 of training at random moments. A tiny MLP GAN is trained once without
 * interruption; then, per trial, the same training is started in another folder, SIGKILLed at a random
 * moment (seeded) after its first checkpoint exists, resumed with `ganforge train --resume`, and compared
 * with the uninterrupted run: metrics.jsonl (without wall-clock fields), events.jsonl, the sample grids and
 * every file of the final checkpoint must be identical.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  check,
  endChild,
  fmtMs,
  OutputTail,
  pollUntil,
  seededRandom,
  sleep,
  waitExit,
  type Experiment,
  type ExperimentContext,
} from './support.ts';

const STEPS = 80;
/** A tiny config: mlp-1hidden (one hidden layer of 128), batch 32, a checkpoint every 10 steps, cpu backend. */
const TRAIN_ARGS = [
  'train',
  '--config',
  'configs/mlp-1hidden.yaml',
  '--set',
  `steps=${STEPS}`,
  '--set',
  'batchSize=32',
  '--set',
  'logging.checkpointEvery=10',
  '--set',
  'logging.sampleEvery=20',
  // A far too strong D, so that a detector fires and events.jsonl has something to compare.
  '--set',
  'optimizers.d.lr=0.01',
  '--set',
  'optimizers.g.lr=0.000001',
  '--set',
  'diagnostics.discriminatorOverpowering.window=10',
  '--backend',
  'cpu',
  '--progress',
  'lines',
] as const;
const RUN_TIMEOUT_MS = 240_000;
/** metrics.jsonl fields that hold wall-clock measurements, left out of the comparison. */
const TIMING_FIELD = /perSec|PerSec|seconds|Seconds|Ms$|time|Time|At$|duration|Duration/;

function trials(quick: boolean): number {
  return quick ? 2 : 5;
}

export const trainKill: Experiment = {
  name: 'train-kill',
  title: 'kill -9 of training, then --resume',
  describe: (o) =>
    `\`ganforge ${TRAIN_ARGS.join(' ')} --out <tmp>\` (${STEPS} steps of a one-hidden-layer MLP GAN on ` +
    `MNIST, a checkpoint every 10 steps, a sample grid every 20, D's learning rate far too high so that the ` +
    `discriminatorOverpowering detector writes an event) runs once uninterrupted. Then ${trials(o.quick)} trials: ` +
    `the same command into another folder, SIGKILL (by pid) at a random moment between the first checkpoint and ` +
    `90% of the uninterrupted run's remaining time (PRNG mulberry32, seed ${o.seed}), then ` +
    `\`ganforge train --resume <run dir>\`. Compared with the uninterrupted run: metrics.jsonl line by line ` +
    `without the wall-clock fields, events.jsonl, samples/*.png and every file of the final checkpoint ` +
    `(checkpoints/<latest>/: generator and discriminator model.json + weights.bin, optimizer state, state.json), ` +
    `byte for byte.`,
  timeoutMs: (o) => (trials(o.quick) + 1) * 2 * 120_000,
  async run(ctx) {
    const random = seededRandom(ctx.options.seed);
    ctx.log(`train-kill: seed ${ctx.options.seed}`);
    const baseOut = ctx.tempDir('train-base');
    ctx.log('train-kill: uninterrupted run');
    const base = await train(ctx, [...TRAIN_ARGS, '--out', baseOut]);
    if (base.exit?.code !== 0 || base.runDir === undefined) {
      ctx.record(
        check(
          'uninterrupted run',
          `exit ${base.exit ? (base.exit.code ?? base.exit.signal) : 'timeout'}: ${base.output.lastLines(2)}`,
          'exit 0',
          false,
        ),
      );
      return;
    }
    const excluded = timingFields(join(base.runDir, 'metrics.jsonl'));
    const events = existsSync(join(base.runDir, 'events.jsonl'))
      ? readFileSync(join(base.runDir, 'events.jsonl'), 'utf8').trim().split('\n').length
      : 0;
    ctx.record(
      check(
        `uninterrupted run (${STEPS} steps)`,
        `exit 0 in ${fmtMs(base.ms)}; first checkpoint after ${fmtMs(base.firstCheckpointMs)}; ` +
          `${events} event(s) in events.jsonl; fields left out of the metrics comparison: ${excluded.join(', ') || 'none'}`,
        'the reference',
        'info',
      ),
    );
    ctx.note(
      `Kill moments come from seed ${ctx.options.seed}: \`--only train-kill --seed ${ctx.options.seed}\` draws the same ` +
        'delays (the steps they land on vary with the machine’s speed).',
    );
    const span = Math.max(500, 0.9 * (base.ms - base.firstCheckpointMs));
    for (let t = 1; t <= trials(ctx.options.quick); t++) {
      if (ctx.signal.aborted) return;
      const delay = Math.round(random() * span);
      const out = ctx.tempDir(`train-trial${t}`);
      ctx.log(`train-kill: trial ${t}: SIGKILL ${delay} ms after the first checkpoint`);
      const killed = await train(ctx, [...TRAIN_ARGS, '--out', out], delay);
      const what = `trial ${t}: SIGKILL ${fmtMs(delay)} after the first checkpoint`;
      if (killed.runDir === undefined || !killed.killed) {
        ctx.record(
          check(
            what,
            killed.runDir === undefined
              ? `no run directory / checkpoint appeared: ${killed.output.lastLines(2)}`
              : `the run ended (exit ${killed.exit?.code ?? killed.exit?.signal}) before the kill`,
            'killed after a checkpoint',
            false,
          ),
        );
        continue;
      }
      const at = killState(killed.runDir);
      ctx.log(`train-kill: trial ${t}: killed at ${at}; resuming`);
      const resumed = await train(ctx, ['train', '--resume', killed.runDir, '--progress', 'lines']);
      const diffs = resumed.exit?.code === 0 ? compareRuns(base.runDir, killed.runDir, excluded) : [];
      ctx.record(
        check(
          `${what} (${at}), then --resume`,
          `resume exit ${resumed.exit ? (resumed.exit.code ?? resumed.exit.signal) : 'timeout'} in ${fmtMs(resumed.ms)}; ` +
            (resumed.exit?.code !== 0
              ? resumed.output.lastLines(2)
              : diffs.length === 0
                ? 'metrics, events, sample grids and final checkpoint identical'
                : `differences: ${diffs.slice(0, 4).join('; ')}${diffs.length > 4 ? `; +${diffs.length - 4} more` : ''}`),
          'exit 0, everything identical',
          resumed.exit?.code === 0 && diffs.length === 0,
        ),
      );
    }
  },
};

interface TrainOutcome {
  exit: Awaited<ReturnType<typeof waitExit>>;
  runDir: string | undefined;
  ms: number;
  firstCheckpointMs: number;
  killed: boolean;
  output: OutputTail;
}

/** Runs `ganforge <args>`; with `killAfterMs`, SIGKILLs it that long after its first checkpoint exists. */
async function train(
  ctx: ExperimentContext,
  args: readonly string[],
  killAfterMs?: number,
): Promise<TrainOutcome> {
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const resumeDir = args.includes('--resume') ? args[args.indexOf('--resume') + 1] : undefined;
  const findRun = () =>
    resumeDir ?? (out && existsSync(out) ? readdirSync(out).map((d) => join(out, d))[0] : undefined);
  const t0 = performance.now();
  const child = ctx.children.spawnCli(args);
  const output = new OutputTail();
  output.attach(child.stdout);
  output.attach(child.stderr);
  const ended = new AbortController();
  child.once('exit', () => ended.abort());
  const signal = AbortSignal.any([ctx.signal, ended.signal]);
  let firstCheckpointMs = NaN;
  let killed = false;
  const watcher = (async () => {
    if (resumeDir !== undefined) return;
    const run = await pollUntil(
      async () => {
        const dir = findRun();
        return dir && existsSync(join(dir, 'latest')) ? dir : undefined;
      },
      RUN_TIMEOUT_MS,
      10,
      signal,
    );
    if (run === undefined) return;
    firstCheckpointMs = performance.now() - t0;
    if (killAfterMs === undefined) return;
    const due = t0 + firstCheckpointMs + killAfterMs;
    while (!signal.aborted && performance.now() < due) await sleep(Math.min(5, due - performance.now()));
    if (!signal.aborted && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      killed = true;
    }
  })();
  let exit: TrainOutcome['exit'];
  try {
    exit = await waitExit(child, RUN_TIMEOUT_MS);
  } finally {
    await endChild(child, 500);
    ended.abort();
    await watcher;
  }
  return { exit, runDir: findRun(), ms: performance.now() - t0, firstCheckpointMs, killed, output };
}

/** "step 37 written, latest checkpoint step-000030" for a killed run. */
function killState(runDir: string): string {
  const metrics = join(runDir, 'metrics.jsonl');
  const lines = existsSync(metrics)
    ? readFileSync(metrics, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length
    : 0;
  const latest = existsSync(join(runDir, 'latest'))
    ? readFileSync(join(runDir, 'latest'), 'utf8').trim()
    : 'none';
  return `${lines} metrics lines written, latest checkpoint ${latest}`;
}

/** The metrics fields that look like wall-clock measurements (present in the first line). */
function timingFields(metricsFile: string): string[] {
  const first = readFileSync(metricsFile, 'utf8').split('\n')[0] ?? '{}';
  return Object.keys(JSON.parse(first) as object).filter((k) => TIMING_FIELD.test(k));
}

function withoutFields(line: string, excluded: readonly string[]): string {
  const o = JSON.parse(line) as Record<string, unknown>;
  for (const k of excluded) delete o[k];
  return JSON.stringify(o);
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** The differences between an uninterrupted run and a killed-and-resumed one (empty when identical). */
function compareRuns(a: string, b: string, excluded: readonly string[]): string[] {
  const diffs: string[] = [];
  const read = (run: string, file: string) =>
    existsSync(join(run, file)) ? readFileSync(join(run, file), 'utf8') : undefined;

  const ma = (read(a, 'metrics.jsonl') ?? '').split('\n').filter((l) => l.trim());
  const mb = (read(b, 'metrics.jsonl') ?? '').split('\n').filter((l) => l.trim());
  if (ma.length !== mb.length) diffs.push(`metrics.jsonl has ${mb.length} lines, not ${ma.length}`);
  const firstDiff = ma.findIndex(
    (l, i) => mb[i] === undefined || withoutFields(l, excluded) !== withoutFields(mb[i]!, excluded),
  );
  if (firstDiff >= 0 && mb[firstDiff] !== undefined)
    diffs.push(`metrics.jsonl differs from line ${firstDiff + 1}`);

  const ea = read(a, 'events.jsonl');
  const eb = read(b, 'events.jsonl');
  if (ea !== eb) {
    const count = (s: string | undefined) =>
      s === undefined ? 'no file' : `${s.trim().split('\n').length} lines`;
    diffs.push(`events.jsonl differs (${count(eb)} vs ${count(ea)})`);
  }

  const sameFiles = (sub: string, label: string) => {
    const fa = filesUnder(join(a, sub));
    const fb = filesUnder(join(b, sub));
    if (fa.join() !== fb.join()) diffs.push(`${label}: files ${fb.join(', ')} vs ${fa.join(', ')}`);
    const differing = fa.filter(
      (f) => fb.includes(f) && !readFileSync(join(a, sub, f)).equals(readFileSync(join(b, sub, f))),
    );
    if (differing.length) diffs.push(`${label}: ${differing.join(', ')} differ`);
  };
  sameFiles('samples', 'samples/');
  const la = read(a, 'latest')?.trim();
  const lb = read(b, 'latest')?.trim();
  if (la !== lb) diffs.push(`latest is ${lb} vs ${la}`);
  if (la) sameFiles(join('checkpoints', la), `checkpoints/${la}/`);
  return diffs;
}
