/**
 * Experiment 5: bad CLI inputs. Each invocation must end on its own within a few seconds with the
 * documented exit code (README: a bad option or value exits 2; a bad input such as a missing file exits 1)
 * and exactly one line on stderr, no stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  check,
  copyShippedModel,
  endChild,
  fmtMs,
  OutputTail,
  waitExit,
  type Experiment,
  type ExperimentContext,
} from './support.ts';

interface Case {
  readonly what: string;
  readonly args: readonly string[];
  /** 2 = bad option or value, 1 = bad input. */
  readonly expect: 1 | 2;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const SERVE_TIMEOUT_MS = 20_000;

export const cliInputs: Experiment = {
  name: 'cli-inputs',
  title: 'Bad CLI inputs',
  describe: () =>
    'Each bad invocation of `node packages/cli/bin/ganforge.mjs` runs in the repository root with temp paths ' +
    `(shown as <tmp>), and is SIGKILLed if it has not exited after ${DEFAULT_TIMEOUT_MS / 1000} s ` +
    `(${SERVE_TIMEOUT_MS / 1000} s for serve). Expected exit codes from the README: 2 for a bad option or ` +
    'value, 1 for a bad input (missing file, a folder that is not a run, a busy port). stderr must be exactly ' +
    'one non-empty line, without a stack trace (no "    at " lines).',
  timeoutMs: () => 16 * DEFAULT_TIMEOUT_MS,
  async run(ctx) {
    const tmp = ctx.tempDir('cli');
    const models = copyShippedModel(tmp);
    const notARun = join(tmp, 'not-a-run');
    mkdirSync(notARun);
    writeFileSync(join(notARun, 'notes.txt'), 'not a run\n');
    const badYaml = join(tmp, 'bad.yaml');
    writeFileSync(badYaml, 'name: [unclosed\n  seed: : :\n');
    const busy = await listenSomewhere();
    const busyPort = (busy.address() as { port: number }).port;
    const cases: Case[] = [
      { what: 'unknown command', args: ['frobnicate'], expect: 2 },
      { what: 'unknown option', args: ['serve', '--bogus'], expect: 2 },
      { what: 'bad --port value', args: ['serve', '--port', '99999'], expect: 2 },
      { what: 'bad --device choice', args: ['serve', '--device', 'gpu'], expect: 2 },
      { what: 'bad --set value', args: ['train', '--set', 'epochs=abc', '--print-config'], expect: 2 },
      {
        what: 'unknown --set key',
        args: ['train', '--set', 'optimizers.g.lrr=0.1', '--print-config'],
        expect: 2,
      },
      {
        what: 'missing config file',
        args: ['train', '--config', join(tmp, 'missing.yaml'), '--print-config'],
        expect: 1,
      },
      {
        what: 'config file that is not YAML',
        args: ['train', '--config', badYaml, '--print-config'],
        expect: 1,
      },
      { what: '--resume of a folder that is not a run', args: ['train', '--resume', notARun], expect: 1 },
      {
        what: '--resume of a missing folder',
        args: ['train', '--resume', join(tmp, 'missing-run')],
        expect: 1,
      },
      {
        what: '--port already in use',
        args: ['serve', '--models', models, '--device', 'cpu', '--port', String(busyPort)],
        expect: 1,
        timeoutMs: SERVE_TIMEOUT_MS,
      },
      {
        what: '--models folder that does not exist',
        args: ['serve', '--models', join(tmp, 'no-models'), '--device', 'cpu', '--port', '0'],
        expect: 1,
        timeoutMs: SERVE_TIMEOUT_MS,
      },
      {
        what: 'sample from a missing model folder',
        args: ['sample', join(tmp, 'missing-model'), '--out', join(tmp, 'x.png')],
        expect: 1,
      },
      {
        what: 'export of a folder that is not a run',
        args: ['export', notARun, '--out', join(tmp, 'out-model')],
        expect: 1,
      },
    ];
    try {
      for (const c of cases) {
        if (ctx.signal.aborted) return;
        await runCase(ctx, c, tmp);
      }
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  },
};

/** A TCP server on a free loopback port (the busy port). */
function listenSomewhere(): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function runCase(ctx: ExperimentContext, c: Case, tmp: string): Promise<void> {
  const shown = ['ganforge', ...c.args].map((a) => a.replaceAll(tmp, '<tmp>')).join(' ');
  ctx.log(`cli-inputs: ${shown}`);
  const t0 = performance.now();
  const child = ctx.children.spawnCli(c.args);
  const stderr = new OutputTail();
  stderr.attach(child.stderr);
  child.stdout?.resume();
  const limit = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let exit: Awaited<ReturnType<typeof waitExit>>;
  try {
    exit = await waitExit(child, limit);
  } finally {
    await endChild(child, 500);
  }
  const ms = performance.now() - t0;
  const lines = stderr.text.split('\n').filter((l) => l.trim() !== '');
  const stack = lines.some((l) => /^\s+at /.test(l));
  const first = (lines[0] ?? '').replaceAll(tmp, '<tmp>');
  const excerpt = first.length > 110 ? `${first.slice(0, 107)}...` : first;
  const measured = exit
    ? `exit ${exit.code ?? exit.signal} in ${fmtMs(ms)}; stderr ${lines.length} line(s)${stack ? ' with a stack trace' : ''}: “${excerpt}”`
    : `still running after ${limit / 1000} s (killed); stderr ${lines.length} line(s): “${excerpt}”`;
  ctx.record(
    check(
      `${c.what}: \`${shown}\``,
      measured,
      `exit ${c.expect}, one line on stderr`,
      exit?.code === c.expect && lines.length === 1 && !stack,
    ),
  );
}
