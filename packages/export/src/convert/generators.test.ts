import { beforeAll, describe, expect, it } from 'vitest';
import { buildGenerator, parseTrainConfig } from '@ganforge/train';
import { dcganGenerator, mlpGenerator } from '../testing/layouts.ts';
import { TOL, parity, randomizeWeights, useCpu } from '../testing/fixtures.ts';

beforeAll(useCpu);

describe('every generator layout exports with parity < 1e-4 in onnxruntime-node and onnxruntime-web', () => {
  const mlps = [
    { hidden: [8] },
    { hidden: [8, 12] },
    { hidden: [8, 12, 12, 8] },
    { hidden: [8], batchNorm: true },
    { hidden: [8, 12], batchNorm: true, dropout: 0.5 },
    { hidden: [8, 12, 12, 8], batchNorm: true, dropout: 0.3, activation: 'leaky_relu' as const },
    { hidden: [8, 12], dropout: 0.4, activation: 'tanh' as const },
    { hidden: [8], activation: 'sigmoid' as const, shape: [4, 4, 3] as const },
  ];
  it.each(mlps)('MLP %j', async (layout) => {
    const model = mlpGenerator(layout);
    randomizeWeights(model, { seed: layout.hidden.length });
    const p = await parity(model);
    const [h, w, c] = layout.shape ?? [6, 6, 1];
    expect(p.outputDims).toEqual([3, h, w, c]);
    expect(p.scale).toBeGreaterThan(0.05);
    expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
    expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
  });

  const dcgans = [
    { size: 28, channels: 1, kernel: 4 },
    { size: 28, channels: 3, kernel: 3 },
    { size: 28, channels: 1, kernel: 5, activation: 'leaky_relu' },
    { size: 32, channels: 3, kernel: 4 },
    { size: 32, channels: 1, kernel: 5, batchNorm: false },
    { size: 64, channels: 3, kernel: 5, base: 1 },
    { size: 64, channels: 1, kernel: 3, base: 1 },
  ] as const;
  it.each(dcgans)('DCGAN %j', async (layout) => {
    const model = dcganGenerator(layout);
    randomizeWeights(model, { seed: layout.size + layout.kernel });
    const p = await parity(model, { batch: 2 });
    expect(p.outputDims).toEqual([2, layout.size, layout.size, layout.channels]);
    expect(p.scale).toBeGreaterThan(0.05);
    expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
    expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
  });
});

describe("the models engineer's buildGenerator, every option, exports with parity < 1e-4", () => {
  const cases: { g: Record<string, unknown>; size: number; channels: 1 | 3 }[] = [
    { g: { kind: 'mlp', hidden: [8] }, size: 28, channels: 1 },
    { g: { kind: 'mlp', hidden: [8, 12], batchNorm: true, dropout: 0.5 }, size: 28, channels: 1 },
    {
      g: { kind: 'mlp', hidden: [8, 12, 12, 8], batchNorm: true, activation: 'leaky_relu' },
      size: 32,
      channels: 3,
    },
    { g: { kind: 'mlp', hidden: [6, 6], activation: 'tanh', dropout: 0.3 }, size: 28, channels: 1 },
    { g: { kind: 'mlp', hidden: [6], activation: 'sigmoid' }, size: 28, channels: 1 },
    { g: { kind: 'dcgan', baseFilters: 2, kernelSize: 4 }, size: 28, channels: 1 },
    { g: { kind: 'dcgan', baseFilters: 2, kernelSize: 3, activation: 'leaky_relu' }, size: 28, channels: 3 },
    { g: { kind: 'dcgan', baseFilters: 2, kernelSize: 5, batchNorm: false }, size: 32, channels: 1 },
    { g: { kind: 'dcgan', baseFilters: 1, kernelSize: 4 }, size: 64, channels: 3 },
  ];
  it.each(cases)('%j', async ({ g, size, channels }) => {
    const cfg = parseTrainConfig({ generator: g, latent: { dim: 6 } }).generator;
    const model = buildGenerator(cfg, {
      latentDim: 6,
      shape: { height: size, width: size, channels },
      seed: 1,
    });
    randomizeWeights(model, { seed: size });
    const p = await parity(model, { batch: 2 });
    expect(p.outputDims).toEqual([2, size, size, channels]);
    expect(p.scale).toBeGreaterThan(0.05);
    expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
    expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
  });
});
