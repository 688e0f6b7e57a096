import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { sampleLatents, tileGrid } from '@ganforge/core';
import { generatorClassInput, loadGenerator } from '@ganforge/runs';
import { selectBackend, type BackendName } from '@ganforge/backend';

export interface LatentWalkOptions {
  /** A run directory (latest checkpoint) or a checkpoint directory. */
  readonly path: string;
  /** Frames of the whole loop. */
  readonly frames?: number | undefined;
  /** Walkers: each tile of the grid walks its own closed path. */
  readonly walkers?: number | undefined;
  /** Waypoints per walker (the path z_0 -> z_1 -> ... -> z_0). */
  readonly waypoints?: number | undefined;
  readonly seed?: number | undefined;
  readonly backend?: BackendName | 'auto' | undefined;
}

/**
 * z along a closed path through `waypoints` random latents per walker, `frames` points in all
 * (pure): a loop, so the animation has no jump. Row-major [frames][walkers * latentDim].
 */
export function latentLoop(opts: {
  latentDim: number;
  distribution: 'uniform' | 'normal';
  frames: number;
  walkers: number;
  waypoints: number;
  seed: number;
}): Float32Array[] {
  const { latentDim, frames, walkers, waypoints } = opts;
  const points = sampleLatents({
    seed: opts.seed,
    n: walkers * waypoints,
    latentDim,
    distribution: opts.distribution,
  });
  const out: Float32Array[] = [];
  for (let f = 0; f < frames; f++) {
    const pos = (f / frames) * waypoints;
    const a = Math.floor(pos);
    const t = pos - a;
    // cosine easing: slow near the waypoints, so each is seen
    const w = (1 - Math.cos(Math.PI * t)) / 2;
    const z = new Float32Array(walkers * latentDim);
    for (let k = 0; k < walkers; k++) {
      const from = (k * waypoints + (a % waypoints)) * latentDim;
      const to = (k * waypoints + ((a + 1) % waypoints)) * latentDim;
      for (let d = 0; d < latentDim; d++) {
        z[k * latentDim + d] = (1 - w) * (points[from + d] as number) + w * (points[to + d] as number);
      }
    }
    out.push(z);
  }
  return out;
}

/** The frames (PNG grids) of a latent walk through a trained generator, for encodeAnimation. */
export async function renderLatentWalkFrames(options: LatentWalkOptions): Promise<Buffer[]> {
  await selectBackend(options.backend ?? 'auto');
  const g = await loadGenerator(options.path);
  const walkers = options.walkers ?? 16;
  try {
    const path = latentLoop({
      latentDim: g.latent.dim,
      distribution: g.latent.distribution,
      frames: options.frames ?? 32,
      walkers,
      waypoints: options.waypoints ?? 4,
      seed: options.seed ?? 7,
    });
    const { height, width, channels } = g.imageShape;
    const pngs: Buffer[] = [];
    // A class-conditional G walks walker i through class i mod K, so the walk shows every class.
    const classInput = generatorClassInput(g.model);
    const classes = classInput && Int32Array.from({ length: walkers }, (_, i) => i % classInput.numClasses);
    for (const z of path) {
      const images = tf.tidy(() => {
        const latents = tf.tensor2d(z, [walkers, g.latent.dim]);
        if (!classInput || !classes) return g.model.predict(latents) as tf.Tensor4D;
        const c = tf.tensor2d(classes, [walkers, 1], 'int32');
        return g.model.predict(classInput.index === 0 ? [c, latents] : [latents, c]) as tf.Tensor4D;
      });
      const data = (await images.data()) as Float32Array;
      images.dispose();
      const grid = tileGrid({ images: data, n: walkers, height, width, channels });
      pngs.push(
        await sharp(Buffer.from(grid.pixels.buffer, grid.pixels.byteOffset, grid.pixels.byteLength), {
          raw: { width: grid.width, height: grid.height, channels: grid.channels },
        })
          .png()
          .toBuffer(),
      );
    }
    return pngs;
  } finally {
    g.model.dispose();
  }
}
