// The generator layouts the training engine builds (MLP and DCGAN), rebuilt here from plain tfjs layers with tiny
// widths so export tests run fast; the models engineer's buildGenerator is exercised separately.
import * as tfl from '@tensorflow/tfjs-layers';

export interface MlpLayout {
  readonly hidden: readonly number[];
  readonly batchNorm?: boolean;
  readonly dropout?: number;
  readonly activation?: 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid';
  readonly latentDim?: number;
  readonly shape?: readonly [number, number, number];
  readonly epsilon?: number;
}

function activation(kind: NonNullable<MlpLayout['activation']>, alpha = 0.2): tfl.layers.Layer {
  return kind === 'leaky_relu'
    ? tfl.layers.leakyReLU({ alpha })
    : tfl.layers.activation({ activation: kind });
}

export function mlpGenerator(l: MlpLayout): tfl.LayersModel {
  const [h, w, c] = l.shape ?? [6, 6, 1];
  const layers: tfl.layers.Layer[] = [];
  l.hidden.forEach((units, i) => {
    layers.push(
      tfl.layers.dense({
        units,
        useBias: !l.batchNorm,
        ...(i === 0 ? { inputShape: [l.latentDim ?? 5] } : {}),
      }),
    );
    if (l.batchNorm) layers.push(tfl.layers.batchNormalization({ epsilon: l.epsilon ?? 1e-3 }));
    layers.push(activation(l.activation ?? 'relu'));
    if (l.dropout) layers.push(tfl.layers.dropout({ rate: l.dropout }));
  });
  layers.push(tfl.layers.dense({ units: h * w * c, activation: 'tanh' }));
  layers.push(tfl.layers.reshape({ targetShape: [h, w, c] }));
  return tfl.sequential({ layers });
}

export interface DcganLayout {
  readonly size: 28 | 32 | 64;
  readonly channels: 1 | 3;
  readonly kernel: number;
  readonly base?: number;
  readonly batchNorm?: boolean;
  readonly latentDim?: number;
  readonly activation?: 'relu' | 'leaky_relu';
  readonly epsilon?: number;
}

/** z -> Dense -> Reshape [s, s, f] -> (BN, act, ConvT s2 'same')* -> tanh; 28 starts at 7, 32/64 at 4. */
export function dcganGenerator(l: DcganLayout): tfl.LayersModel {
  const start = l.size === 28 ? 7 : 4;
  const stages = Math.log2(l.size / start);
  const base = l.base ?? 2;
  let filters = base * 2 ** (stages - 1);
  const layers: tfl.layers.Layer[] = [
    tfl.layers.dense({
      inputShape: [l.latentDim ?? 6],
      units: start * start * filters,
      useBias: !l.batchNorm,
    }),
    tfl.layers.reshape({ targetShape: [start, start, filters] }),
  ];
  const act = (): tfl.layers.Layer =>
    l.activation === 'leaky_relu' ? tfl.layers.leakyReLU({ alpha: 0.2 }) : tfl.layers.reLU();
  if (l.batchNorm ?? true) layers.push(tfl.layers.batchNormalization({ epsilon: l.epsilon ?? 1e-3 }));
  layers.push(act());
  for (let i = 0; i < stages - 1; i++) {
    filters = Math.max(filters / 2, 1);
    layers.push(
      tfl.layers.conv2dTranspose({
        filters,
        kernelSize: l.kernel,
        strides: 2,
        padding: 'same',
        useBias: !(l.batchNorm ?? true),
      }),
    );
    if (l.batchNorm ?? true) layers.push(tfl.layers.batchNormalization({ epsilon: l.epsilon ?? 1e-3 }));
    layers.push(act());
  }
  layers.push(
    tfl.layers.conv2dTranspose({ filters: l.channels, kernelSize: l.kernel, strides: 2, padding: 'same' }),
  );
  layers.push(tfl.layers.activation({ activation: 'tanh' }));
  return tfl.sequential({ layers });
}

/** A generator's last layer as the small test graphs write it: ConvTranspose k4 s2 'same' to `filters`, tanh. */
export function tanhUpsample(filters: number, name?: string): tfl.layers.Layer {
  return tfl.layers.conv2dTranspose({
    filters,
    kernelSize: 4,
    strides: 2,
    padding: 'same',
    activation: 'tanh',
    ...(name !== undefined ? { name } : {}),
  });
}
