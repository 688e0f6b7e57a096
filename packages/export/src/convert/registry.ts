import type { LayerConverter } from './layer.ts';
import { convertActivation, convertIdentity, convertLeakyReLU, convertReLU } from './layers/activation.ts';
import { convertBatchNormalization } from './layers/batchNorm.ts';
import { convertConv2D, convertConv2DTranspose } from './layers/conv.ts';
import { convertDense } from './layers/dense.ts';
import { convertFlatten, convertReshape } from './layers/reshape.ts';

/** tfjs layer class name -> converter. Layers that only act while training (Dropout, noise) export as identity. */
export const standardConverters: Readonly<Record<string, LayerConverter>> = {
  Dense: convertDense,
  Conv2D: convertConv2D,
  Conv2DTranspose: convertConv2DTranspose,
  BatchNormalization: convertBatchNormalization,
  Activation: convertActivation,
  ReLU: convertReLU,
  LeakyReLU: convertLeakyReLU,
  Reshape: convertReshape,
  Flatten: convertFlatten,
  Dropout: convertIdentity,
  SpatialDropout1D: convertIdentity,
  GaussianNoise: convertIdentity,
  GaussianDropout: convertIdentity,
};
