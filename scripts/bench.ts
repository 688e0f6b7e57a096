/**
 * `npm run bench` (= `pnpm bench`): every benchmark, each writing its section of BENCHMARKS.md with
 * how it was taken — training steps on wasm, serving under load against raw session.run, and
 * sampling in headless Chromium against onnxruntime-node. Run one alone with its own script.
 */
import { benchBrowser } from './bench-web.ts';
import { benchServing } from './bench-serve.ts';
import { benchTraining } from './bench-train.ts';
import { parseScriptArgs } from './script-args.ts';

parseScriptArgs(
  {
    name: 'bench',
    usage:
      'usage: npm run bench (every benchmark; no options). One alone, with its options: node --import tsx scripts/bench-serve.ts --help (also bench-train.ts, bench-web.ts)',
  },
  { options: {} },
);

const started = Date.now();
for (const [name, run] of [
  ['training', () => benchTraining()],
  ['serving', () => benchServing()],
  ['browser', () => benchBrowser()],
] as const) {
  process.stdout.write(`bench: ${name}...\n`);
  process.stdout.write(`${await run()}\n`);
}
process.stdout.write(
  `bench: done in ${Math.round((Date.now() - started) / 1000)} s; figures in BENCHMARKS.md\n`,
);
