import * as tf from '@tensorflow/tfjs-core';
import { momentMatchingLoss } from '../techniques/index.ts';
import { forward } from './forward.ts';
import type { GanSetup } from './gan-setup.ts';
import { discriminatorInputs, realImages } from './step-inputs.ts';
import type { StepInput } from './train-step.ts';

/**
 * The moment-matching term of G's loss (docs/techniques.md#moment-matching), on pixels or D's features;
 * 0 when off. The moments are over the whole batch, whatever the classes (a projection D's feature model
 * is fed [images, y], with the same y for the real and the fake batch).
 */
export function momentMatchingTerm(
  setup: GanSetup,
  input: StepInput,
  fake: tf.Tensor,
  y: tf.Tensor | undefined,
): tf.Scalar {
  const mm = setup.config.techniques.momentMatching;
  if (!mm.enabled) return tf.scalar(0);
  const real = realImages(setup, input);
  const features = mm.features === 'discriminator' ? setup.featureModel : undefined;
  if (!features) return momentMatchingLoss(real, fake, mm);
  const training = !setup.config.frozenInference;
  const rng = input.noiseRng;
  return momentMatchingLoss(
    forward(features, discriminatorInputs(setup, real, y), training, rng),
    forward(features, discriminatorInputs(setup, fake, y), training, rng),
    mm,
  );
}
