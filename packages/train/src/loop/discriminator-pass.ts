import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@ganforge/core';
import { forward, forwardOutputs } from './forward.ts';
import type { GanSetup } from './gan-setup.ts';
import { discriminatorInputs } from './step-inputs.ts';

/** What D says of a batch: its logits [N, 1], and an auxiliary-classifier D's class logits [N, K]. */
export interface DiscriminatorPass {
  readonly logits: tf.Tensor;
  readonly classLogits: tf.Tensor | undefined;
}

/**
 * D on a batch of images, fed and read as the run's conditioning lays D out
 * (docs/techniques.md#class-conditioning): unconditional and auxiliary D take the images, a projection D
 * [images, y]; an auxiliary D returns [logits, class logits].
 */
export function discriminatorPass(
  setup: GanSetup,
  images: tf.Tensor,
  y: tf.Tensor | undefined,
  training: boolean,
  rng: Rng,
): DiscriminatorPass {
  const model: tfl.LayersModel = setup.discriminator;
  const inputs = discriminatorInputs(setup, images, y);
  if (setup.config.conditioning?.discriminator === 'auxiliary') {
    const [logits, classLogits] = forwardOutputs(model, inputs, training, rng);
    if (logits === undefined || classLogits === undefined) {
      throw new Error('internal: an auxiliary-classifier discriminator has two outputs');
    }
    return { logits, classLogits };
  }
  return { logits: forward(model, inputs, training, rng), classLogits: undefined };
}

/** Rows [start, start + B) of a [2B, ...] tensor. */
function half(t: tf.Tensor, start: number, B: number): tf.Tensor {
  return tf.slice(t, [start, 0], [B, -1]);
}

/**
 * D on the real and the fake batch (both of the classes y, when conditional): in two calls, or in one on
 * both (batchMode 'mixed', docs/techniques.md#batch-mode-and-frozen-inference), split afterwards.
 */
export function discriminate(
  setup: GanSetup,
  realIn: tf.Tensor,
  fakeIn: tf.Tensor,
  y: tf.Tensor | undefined,
  B: number,
  rng: Rng,
): { real: DiscriminatorPass; fake: DiscriminatorPass } {
  if (setup.config.batchMode === 'mixed') {
    const labels = y === undefined ? undefined : tf.concat([y, y], 0);
    const both = discriminatorPass(setup, tf.concat([realIn, fakeIn], 0), labels, true, rng);
    const split = (start: number): DiscriminatorPass => ({
      logits: half(both.logits, start, B),
      classLogits: both.classLogits && half(both.classLogits, start, B),
    });
    return { real: split(0), fake: split(B) };
  }
  return {
    real: discriminatorPass(setup, realIn, y, true, rng),
    fake: discriminatorPass(setup, fakeIn, y, true, rng),
  };
}
