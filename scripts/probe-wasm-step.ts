/**
 * Times one DCGAN training step (D on real + fake, then G; Adam) on MNIST-sized input.
 *
 *   node --import tsx scripts/probe-wasm-step.ts [--backend wasm|cpu|auto] [--threads N] [--steps N]
 *        [--batch 64] [--g-filters 64] [--d-filters 64] [--kernel 4]
 *
 * Prints one JSON line: the backend, the net's shape, and ms per step (the warm-up step apart).
 * The cpu backend needs minutes per step at batch 64: give it --steps 1.
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '../packages/train/src/backend/index.ts';
import type { BackendName } from '../packages/train/src/backend/index.ts';
import { timeDcganStep } from '../packages/train/src/backend/probe/timeDcganStep.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    steps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '64' },
    'g-filters': { type: 'string', default: '64' },
    'd-filters': { type: 'string', default: '64' },
    kernel: { type: 'string', default: '4' },
  },
});

const backend = await selectBackend(
  values.backend as BackendName | 'auto',
  values.threads === undefined ? {} : { wasmThreads: Number(values.threads) },
);
const timing = timeDcganStep(
  {
    size: 28,
    channels: 1,
    latentDim: 100,
    gFilters: Number(values['g-filters']),
    dFilters: Number(values['d-filters']),
    kernelSize: Number(values.kernel),
    seed: 1,
  },
  Number(values.batch),
  Number(values.steps),
);
console.log(JSON.stringify({ backend, ...timing }));
