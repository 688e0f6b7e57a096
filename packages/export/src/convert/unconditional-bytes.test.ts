// Unconditional models export to the very bytes they did before the exporter learned class-conditional graphs
// (the functional-graph walk, merge layers, the class input): each sha256 below was recorded with the chain-only
// exporter. A deliberate change to what the exporter writes updates them; nothing else should. Converted without
// batch-norm folding (a later pass over the finished graph, onnx/fold-batch-norm.ts, tested on its own): these
// pin the layer-by-layer conversion.
import { createHash } from 'node:crypto';
import { buildDiscriminator, buildGenerator, parseTrainConfig } from '@ganforge/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../onnx/proto.ts';
import { randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { dcganGenerator, mlpGenerator } from '../testing/layouts.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

const RECORDED: Readonly<Record<string, string>> = {
  'g-dcgan-13': 'd059afe69d55196224778defb4b9c9a27241f4f27301305ea514145baa8f60ed',
  'g-dcgan-17': '8e3651f0d4f8437ce68144fe7ff114690571f138926372b904ea4c94600345db',
  'g-mlp-13': '8c12e3fd5d475efd80bbab1194358728a08849d2efe41165beba757ff15ddd87',
  'g-mlp-17': '2382b6a6fa13830ac70b8edef061af7942ef60351e242d30ce44a40a408eacb5',
  d: '3088bc4ea041188a72a82c4621d47f193f7f01f15a62e76c9f381172c7d95594',
  'seq-dcgan': '334b1abf585fc936e125747b1175e4d3d134b02ec6a52096094b174d42e8f98d',
  'seq-mlp': 'e2c58aef9d01031ce3718bb689022528dc392772b71a4c6833cca2aae508afca',
};

const UNFOLDED = { foldBatchNorms: false } as const;

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('unconditional exports are byte-identical to the chain-only exporter', () => {
  it('buildGenerator (DCGAN, MLP; opsets 13 and 17), a spectral-norm + minibatch D, and the test layouts', () => {
    const got: Record<string, string> = {};
    const shape = { height: 28, width: 28, channels: 1 as const };
    const generators = {
      dcgan: { kind: 'dcgan', baseFilters: 2, kernelSize: 4 },
      mlp: { kind: 'mlp', hidden: [8, 12], batchNorm: true, dropout: 0.5 },
    };
    for (const [kind, g] of Object.entries(generators)) {
      const cfg = parseTrainConfig({ generator: g, latent: { dim: 6 } }).generator;
      const model = buildGenerator(cfg, { latentDim: 6, shape, seed: 1 });
      randomizeWeights(model, { seed: 3 });
      for (const opset of [13, 17] as const) {
        got[`g-${kind}-${opset}`] = sha(
          encodeModel(convertToOnnx(model, { opset, foldBatchNorms: false }).model),
        );
      }
    }
    const dCfg = parseTrainConfig({
      discriminator: {
        kind: 'dcgan',
        baseFilters: 2,
        kernelSize: 3,
        spectralNorm: true,
        minibatch: 'stddev',
      },
    }).discriminator;
    const d = buildDiscriminator(dCfg, { shape, seed: 2 });
    randomizeWeights(d, { seed: 4, weightStd: 0.1 });
    got.d = sha(
      encodeModel(convertToOnnx(d, { inputName: 'image', outputName: 'logit', foldBatchNorms: false }).model),
    );
    const seqDcgan = dcganGenerator({ size: 32, channels: 3, kernel: 5 });
    randomizeWeights(seqDcgan, { seed: 5 });
    got['seq-dcgan'] = sha(encodeModel(convertToOnnx(seqDcgan, UNFOLDED).model));
    const seqMlp = mlpGenerator({ hidden: [8], activation: 'leaky_relu' });
    randomizeWeights(seqMlp, { seed: 6 });
    got['seq-mlp'] = sha(encodeModel(convertToOnnx(seqMlp, UNFOLDED).model));
    expect(got).toEqual(RECORDED);
  });
});
