/**
 * What one hop to a session worker costs, next to the same run on the calling thread: the part of a
 * small request's time that a server without workers (the serving benchmark's naive peer) never pays.
 * Loads the first shipped unconditional model into a WorkerPool with one worker and an inline session
 * (both one intra-op thread), then runs the same n-sample batch one at a time, alternating blocks of
 * `--block` runs on the worker (`pool.run`) and on this thread (`pool.runInline`) for `--rounds`
 * rounds; and, for scale, the round trip of a small message to a worker thread that answers it at once,
 * or after spinning as long as the inline run took (so the calling thread waits as long as for a run).
 * Prints medians over the rounds: wall time per run, the process's CPU time per run (all threads), and
 * session.run's own time, so the hand-off is the difference.
 *   node --import tsx scripts/probe-worker-handoff.ts [--n 1] [--rounds 15] [--block 200] [--model <name>]
 * Stop other work on the machine first: its figures are microseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { WorkerPool } from '@ganforge/serve';
import { firstModel, ROOT } from './bench-support.ts';
import { numberOption, parseScriptArgs } from './script-args.ts';

const COMMAND = {
  name: 'probe-worker-handoff',
  usage:
    'usage: node --import tsx scripts/probe-worker-handoff.ts [--n 1] [--rounds 15] [--block 200] [--model <name>]',
};
const { values } = parseScriptArgs(COMMAND, {
  options: {
    n: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '15' },
    block: { type: 'string', default: '200' },
    model: { type: 'string' },
  },
});
const n = numberOption(COMMAND, 'n', values.n, { integer: true, min: 1 })!;
const rounds = numberOption(COMMAND, 'rounds', values.rounds, { integer: true, min: 1 })!;
const block = numberOption(COMMAND, 'block', values.block, { integer: true, min: 1 })!;
const modelsDir = join(ROOT, 'models');
const model = values.model ?? firstModel(modelsDir);
if (!model) throw new Error(`no unconditional model in ${modelsDir}`);
const card = parseModelCard(JSON.parse(readFileSync(join(modelsDir, model, 'card.json'), 'utf8')));
const latentDim = card.latent.size;
const latents = sampleLatents({ seed: 1, n, latentDim, distribution: card.latent.distribution });
const request = () => ({
  key: model,
  inputName: card.onnx.inputName,
  outputName: card.onnx.outputName,
  latents: latents.slice(), // a worker run takes the buffer over (transfer)
  n,
  latentDim,
});

interface Figures {
  wallUs: number;
  cpuUs: number;
  sessionUs: number;
}

async function timed(runs: number, once: () => Promise<number>): Promise<Figures> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sessionMs = 0;
  for (let i = 0; i < runs; i++) sessionMs += await once();
  const cpu = process.cpuUsage(cpu0);
  return {
    wallUs: ((performance.now() - t0) * 1000) / runs,
    cpuUs: (cpu.user + cpu.system) / runs,
    sessionUs: (sessionMs * 1000) / runs,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The median of one figure over the rounds. */
const med = (f: Figures[], k: keyof Figures): number => median(f.map((x) => x[k]));

const pool = new WorkerPool({ workers: 1, intraOpThreads: 1, inline: true });
await pool.load(model, join(modelsDir, model, 'model.onnx'), 'cpu');
const onWorker = () => pool.run(request()).then((r) => r.runMs);
const inline = () => pool.runInline(request()).then((r) => r.runMs);
await timed(block, onWorker);
await timed(block, inline);

// A worker that answers a small message at once, or after spinning for `busyMs` (as long as a run).
const echo = new Worker(
  `const { parentPort } = require('node:worker_threads');
  parentPort.on('message', (m) => {
    const t = performance.now();
    while (performance.now() - t < m.busyMs);
    parentPort.postMessage(m);
  });`,
  { eval: true },
);
const roundTrip = (busyMs: number) => () =>
  new Promise<number>((resolve) => {
    echo.once('message', () => resolve(busyMs));
    echo.postMessage({ busyMs });
  });
await timed(block, roundTrip(0));

const figures = {
  worker: [] as Figures[],
  inline: [] as Figures[],
  echo: [] as Figures[],
  busy: [] as Figures[],
};
for (let r = 0; r < rounds; r++) {
  figures.worker.push(await timed(block, onWorker));
  figures.inline.push(await timed(block, inline));
  figures.echo.push(await timed(block, roundTrip(0)));
  figures.busy.push(await timed(block, roundTrip(med(figures.inline, 'sessionUs') / 1000)));
}
await pool.close();
await echo.terminate();

const row = (label: string, f: Figures[]) =>
  `| ${label} | ${[med(f, 'wallUs'), med(f, 'cpuUs'), med(f, 'sessionUs')].map((v) => v.toFixed(0)).join(' | ')} |`;
const lines = [
  `${model}, n = ${n}, ${rounds} rounds of ${block} runs each, medians (µs per run):`,
  '',
  '| where | wall | process CPU | session.run (or the spin) |',
  '|---|---|---|---|',
  row('a session worker (pool.run)', figures.worker),
  row('the calling thread (pool.runInline)', figures.inline),
  row('round trip of a small message to a worker, answered at once', figures.echo),
  row('the same, answered after spinning as long as a run', figures.busy),
  '',
  `hand-off per run (worker - inline): ${(med(figures.worker, 'wallUs') - med(figures.inline, 'wallUs')).toFixed(0)} µs wall, ${(med(figures.worker, 'cpuUs') - med(figures.inline, 'cpuUs')).toFixed(0)} µs CPU`,
];
process.stdout.write(`${lines.join('\n')}\n`);
