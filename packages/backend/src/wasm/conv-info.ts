import { backend_util } from '@tensorflow/tfjs-core';

type ConvArgs = Parameters<typeof backend_util.computeConv2DInfo>;

/** The geometry of a 2-D convolution on NHWC inputs without dilation, as the conv2d backprop kernels read it. */
export function nhwcConvInfo(
  inputShape: ConvArgs[0],
  filterShape: ConvArgs[1],
  strides: ConvArgs[2],
  pad: ConvArgs[4],
  dimRoundingMode?: ConvArgs[5],
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}
