import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GanforgeError, parseModelCard } from '@ganforge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../runExport.ts';
import { writeFixtureRun } from '../testing/checkpoint.ts';
import type { FixtureRun } from '../testing/checkpoint.ts';
import { useCpu } from '../testing/fixtures.ts';
import { loadNetwork } from './fromRun.ts';

let run: FixtureRun;
beforeAll(async () => {
  await useCpu();
  run = await writeFixtureRun({ step: 10 });
});
afterAll(() => rm(run.root, { recursive: true, force: true }));

const base = { opset: 13 as const, check: true, tolerance: 1e-4, network: 'g' as const, force: false };

describe('export from a run directory or checkpoint', () => {
  it("loads G with @ganforge/train's loadGenerator and fills the card from the run", async () => {
    const out = join(run.runDir, '..', 'models', 'tiny-g');
    const r = await runExport(run.runDir, { ...base, out });
    const card = parseModelCard(JSON.parse(await readFile(join(out, 'card.json'), 'utf8')));
    expect(card).toMatchObject({
      name: 'tiny-g',
      network: 'generator',
      latent: { size: 8, distribution: 'normal' },
      output: { height: 28, width: 28, channels: 1 },
      dataset: { name: 'mnist', split: 'train', size: 60000 },
      training: { stepsTrained: 10, seed: 3, backend: { name: 'cpu', version: '4.22.0', threads: 1 } },
    });
    expect(card.training.config).toMatchObject({
      loss: expect.any(String),
      generator: { kind: 'dcgan', kernelSize: 4 },
    });
    expect(r.parity?.maxAbsDiff['onnxruntime-node']).toBeLessThan(1e-4);
    expect(r.parity?.maxAbsDiff['onnxruntime-web']).toBeLessThan(1e-4);
  });

  it('exports the discriminator (--network d): image -> logit, from a checkpoint folder', async () => {
    const out = join(run.runDir, '..', 'models', 'tiny-d');
    const r = await runExport(run.checkpointDir, { ...base, out, network: 'd' });
    expect(r.card.network).toBe('discriminator');
    expect(r.card.onnx).toMatchObject({ inputName: 'image', outputName: 'logit' });
    expect(r.parity?.maxAbsDiff['onnxruntime-web']).toBeLessThan(1e-4);
    expect((await readdir(out)).sort()).toEqual(['card.json', 'model.onnx']);
  });

  it('a missing checkpoint or step is a clear error', async () => {
    await expect(loadNetwork(join(run.runDir, 'nope'), { network: 'generator' })).rejects.toThrow(
      /nope does not exist/,
    );
    const e = await loadNetwork(run.runDir, { network: 'generator', step: 999 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GanforgeError);
    expect((e as GanforgeError).code).toBe('checkpoint_not_found');
    expect((e as GanforgeError).message).toContain('no checkpoint at step 999');
  });
});
