import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelCard } from '@ganforge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_METADATA_KEY } from '../card/build-card.ts';
import { decodeModel } from '../onnx/proto.ts';
import { runExport } from '../run-export.ts';
import { writeFixtureRun } from '../testing/checkpoint.ts';
import type { FixtureRun } from '../testing/checkpoint.ts';
import { rejection } from '../testing/expected-errors.ts';
import { useCpu } from '../testing/fixtures.ts';
import { loadNetwork } from './from-run.ts';

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
      training: {
        stepsTrained: 10,
        seed: 3,
        backend: { name: 'cpu', version: '4.22.0', threads: 1 },
        commands: [
          'ganforge train --config tiny.yaml --set steps=5',
          'ganforge train --resume runs/tiny --set steps=10',
        ],
      },
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
    const e = await rejection(loadNetwork(run.runDir, { network: 'generator', step: 999 }));
    expect(e.code).toBe('checkpoint_not_found');
    expect(e.message).toContain('no checkpoint at step 999');
  });

  it("puts the run's recorded evaluation of the exported step into card.json and metadata_props", async () => {
    const evalDir = join(run.runDir, 'eval');
    await mkdir(evalDir, { recursive: true });
    const recorded = {
      metrics: { frechetDistance: 12.5, classCoverage: 10 },
      protocol: { samples: 100, seed: 0, evaluator: { name: 'mnist' } },
      source: { kind: 'run', step: 10 },
    };
    await writeFile(join(evalDir, 'step-000010.json'), JSON.stringify(recorded));
    // an evaluation of another step is not this model's
    await writeFile(
      join(evalDir, 'step-000009.json'),
      JSON.stringify({ ...recorded, metrics: { frechetDistance: 99 } }),
    );
    const out = join(run.runDir, '..', 'models', 'tiny-evaluated');
    const r = await runExport(run.runDir, { ...base, out, check: false });
    expect(r.card.evaluation).toEqual({ metrics: recorded.metrics, protocol: recorded.protocol });
    const onnx = decodeModel(await readFile(join(out, 'model.onnx')));
    const meta = onnx.metadataProps.find((p) => p.key === CARD_METADATA_KEY);
    expect(JSON.parse(meta?.value ?? '{}').evaluation).toEqual(r.card.evaluation);
    await rm(evalDir, { recursive: true });
  });
});
