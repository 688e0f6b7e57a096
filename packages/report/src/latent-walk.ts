import { GanforgeError } from '@ganforge/core';
import sharp from 'sharp';

export interface AnimationOptions {
  /** 'gif' (plays everywhere) or 'webp' (smaller). */
  readonly format?: 'gif' | 'webp';
  /** Milliseconds per frame. */
  readonly delayMs?: number;
  /** Scale frames up by this integer factor (nearest neighbour: 28 px digits stay crisp). */
  readonly scale?: number;
}

/**
 * A latent-walk animation from its frames (PNG/JPEG/WebP files or buffers, e.g. G(z) along a path
 * between two latents): an endlessly looping GIF or WebP built with sharp. Frames are resized to
 * the first frame's size.
 */
export async function encodeAnimation(
  frames: readonly (string | Buffer)[],
  options: AnimationOptions = {},
): Promise<Buffer> {
  if (frames.length === 0) {
    throw new GanforgeError('no_frames', 'a latent-walk animation needs at least one frame', {
      hint: 'pass PNG frames (e.g. <run>/latent-walk/frame-000.png ...)',
    });
  }
  const scale = options.scale ?? 1;
  const first = await sharp(frames[0]).metadata();
  if (!first.width || !first.height)
    throw new GanforgeError('bad_frame', 'the first latent-walk frame has no size');
  const width = first.width * scale;
  const height = first.height * scale;
  const raws = await Promise.all(
    frames.map((f) =>
      sharp(f)
        .resize(width, height, { kernel: 'nearest', fit: 'fill' })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer(),
    ),
  );
  const stacked = sharp(Buffer.concat(raws), {
    raw: { width, height: height * raws.length, channels: 3, pageHeight: height },
  });
  const delay = Array.from({ length: raws.length }, () => options.delayMs ?? 100);
  return (options.format ?? 'gif') === 'gif'
    ? stacked.gif({ loop: 0, delay }).toBuffer()
    : stacked.webp({ loop: 0, delay, lossless: true }).toBuffer();
}
