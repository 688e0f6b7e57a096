import { GanforgeError } from '@ganforge/core';
import type { ImageShape } from '@ganforge/data';

/** Image sizes the DCGAN layouts support, with the size of the smallest feature map. */
const DCGAN_START: Readonly<Record<number, number>> = { 28: 7, 32: 4, 64: 4 };

export interface DcganPlan {
  /** Side of the smallest feature map (G's first, D's last). */
  readonly startSize: number;
  /** Number of stride-2 (transposed) convolutions between it and the image. */
  readonly stages: number;
}

export function describeShape(shape: ImageShape): string {
  return `${shape.height}x${shape.width}x${shape.channels}`;
}

/** Checks that a shape is a valid NHWC image shape (positive integers, 1 or 3 channels). */
export function assertImageShape(shape: ImageShape, network: string): void {
  const ok =
    Number.isInteger(shape.height) &&
    Number.isInteger(shape.width) &&
    shape.height > 0 &&
    shape.width > 0 &&
    (shape.channels === 1 || shape.channels === 3);
  if (!ok) {
    throw new GanforgeError(
      'unsupported_image_shape',
      `${network}: image shape ${describeShape(shape)} is not valid (height and width positive integers, 1 or 3 channels)`,
      { hint: 'set the dataset size and channels (1 or 3)' },
    );
  }
}

/** The DCGAN layout for a square 28, 32 or 64 pixel image; anything else is a GanforgeError. */
export function dcganPlan(shape: ImageShape, network: string): DcganPlan {
  assertImageShape(shape, network);
  const start = DCGAN_START[shape.height];
  if (shape.height !== shape.width || start === undefined) {
    throw new GanforgeError(
      'unsupported_image_shape',
      `${network} (dcgan) supports 28x28, 32x32 or 64x64 images with 1 or 3 channels; the dataset has ${describeShape(shape)}`,
      { hint: "resize the dataset (e.g. dataset.size: 32) or use kind: 'mlp', which takes any shape" },
    );
  }
  return { startSize: start, stages: Math.round(Math.log2(shape.height / start)) };
}
