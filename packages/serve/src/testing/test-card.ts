import type { ModelCard } from '@ganforge/core';

/** A valid model card for a test generator (fields per '@ganforge/core' ModelCardSchema). */
export function makeTestCard(o: {
  name: string;
  latentDim: number;
  height: number;
  width: number;
  channels: 1 | 3;
  distribution?: 'uniform' | 'normal';
}): ModelCard {
  return {
    name: o.name,
    description: 'tiny test generator written directly as ONNX',
    network: 'generator',
    latent: { size: o.latentDim, distribution: o.distribution ?? 'normal' },
    output: { height: o.height, width: o.width, channels: o.channels, valueRange: [-1, 1] },
    dataset: { name: 'none' },
    training: {
      config: { kind: 'fixture' },
      stepsTrained: 0,
      backend: { name: 'cpu', version: '0', threads: 1 },
      seed: 0,
    },
    onnx: { opset: 13, irVersion: 8, inputName: 'latent', outputName: 'image' },
    createdAt: '2026-11-23T19:00:00.000Z',
    ganforgeVersion: '0.1.0',
  };
}
