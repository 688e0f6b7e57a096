/**
 * The gradient of LeakyRelu as dy * step(x, alpha), where step(x, alpha) = x > 0 ? 1 : alpha.
 * tfjs's own is where(x > 0, dy, alpha * dy): the same values bit for bit (dy * 1 = dy and the
 * same float32 product dy * alpha), but built from Greater and Select, which tfjs-backend-wasm
 * runs in generic broadcasting loops (~2.5 ms per [64,14,14,32] feature map) where Step and
 * Multiply are vectorized (~0.25 ms). Registered over tfjs's, for every backend.
 */
import { LeakyRelu, mul, registerGradient, step } from '@tensorflow/tfjs-core';
import type { GradConfig, LeakyReluAttrs, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

export const leakyReluGradConfig: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as LeakyReluAttrs;
    if (x === undefined || Array.isArray(dy))
      throw new Error('LeakyRelu gradient: expected one input and one dy');
    return { x: () => mul(dy, step(x, alpha)) };
  },
};

export function registerLeakyReluGradient(): void {
  registerGradient(leakyReluGradConfig);
}
