import { buildDiscriminator, parseTrainConfig } from '@ganforge/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOL, parity, randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

const io = { inputName: 'image', outputName: 'logit' };

function discriminator(d: Record<string, unknown>, shape = { height: 28, width: 28, channels: 1 as 1 | 3 }) {
  const cfg = parseTrainConfig({ discriminator: d }).discriminator;
  const model = buildDiscriminator(cfg, { shape, seed: 1 });
  randomizeWeights(model, { seed: 2, weightStd: 0.1 });
  return model;
}

describe("the models engineer's discriminators (spectral norm, minibatch features) export with parity", () => {
  const layouts = [
    { kind: 'dcgan', baseFilters: 2, kernelSize: 4 },
    {
      kind: 'dcgan',
      baseFilters: 2,
      kernelSize: 3,
      spectralNorm: true,
      minibatch: 'stddev',
      batchNorm: true,
      dropout: 0.3,
    },
    { kind: 'dcgan', baseFilters: 2, kernelSize: 5, minibatch: 'mean_difference', leakyAlpha: 0.3 },
    { kind: 'mlp', hidden: [8, 6], spectralNorm: true, minibatch: 'mean_difference', dropout: 0.5 },
    { kind: 'mlp', hidden: [8], batchNorm: true, minibatch: 'stddev' },
  ];
  it.each(layouts)('%j at batch 1, 5 and 64', async (layout) => {
    const model = discriminator(layout);
    const { model: proto } = convertToOnnx(model, io);
    for (const batch of [1, 5, 64]) {
      const p = await parity(model, { proto, batch, convert: io });
      expect(p.outputDims).toEqual([batch, 1]);
      expect(p.scale).toBeGreaterThan(1e-3);
      expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
      expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
    }
  });

  it('spectral norm is folded: no custom op, one Conv per wrapped conv, kernel scaled by 1/sigma', () => {
    const model = discriminator({ kind: 'dcgan', baseFilters: 2, kernelSize: 3, spectralNorm: true });
    const { model: proto, layers } = convertToOnnx(model, io);
    expect(layers).toContain('SpectralNormalization');
    const ops = new Set((proto.graph?.node ?? []).map((n) => n.opType));
    expect([...ops].every((op) => /^[A-Z][A-Za-z]+$/.test(op ?? '') && !op?.includes('Spectral'))).toBe(true);
    expect((proto.graph?.node ?? []).filter((n) => n.opType === 'Conv')).toHaveLength(2);
  });
});
