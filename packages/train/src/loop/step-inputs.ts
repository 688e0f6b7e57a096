import * as tf from '@tensorflow/tfjs-core';
import type { GanSetup } from './gan-setup.ts';
import type { StepInput } from './train-step.ts';

/** The tensors a training step feeds its networks, made from the step's input. Call inside a tf.tidy scope. */

/** The real batch as an NHWC tensor of D's input shape. */
export function realImages(setup: GanSetup, input: StepInput): tf.Tensor4D {
  const inputShape = setup.discriminator.inputs[0]?.shape ?? [];
  const shape = [input.batchSize, ...inputShape.slice(1)] as [number, number, number, number];
  return tf.tensor4d(input.real, shape);
}

/**
 * The class input y of the step's G and D passes, [B, 1] int32: the real batch's labels, which are also
 * the classes the step's fakes are made for (y_fake = y_real, so no random draw:
 * docs/techniques.md#class-conditioning); undefined for an unconditional run.
 */
export function classLabels(setup: GanSetup, input: StepInput): tf.Tensor2D | undefined {
  if (setup.config.conditioning === undefined) return undefined;
  if (input.labels === undefined || input.labels.length !== input.batchSize) {
    throw new Error(
      `internal: a class-conditional step needs the real batch's ${input.batchSize} labels, got ${input.labels?.length ?? 'none'}`,
    );
  }
  return tf.tensor2d(input.labels, [input.batchSize, 1], 'int32');
}

/** G's inputs: z, or [z, y] for a class-conditional G. */
export function generatorInputs(z: tf.Tensor, y: tf.Tensor | undefined): tf.Tensor | tf.Tensor[] {
  return y === undefined ? z : [z, y];
}

/** The inputs of D (and of its feature model): the images, or [images, y] for a projection D. */
export function discriminatorInputs(
  setup: GanSetup,
  images: tf.Tensor,
  y: tf.Tensor | undefined,
): tf.Tensor | tf.Tensor[] {
  if (setup.config.conditioning?.discriminator !== 'projection') return images;
  if (y === undefined) throw new Error('internal: a projection discriminator needs the class input');
  return [images, y];
}
