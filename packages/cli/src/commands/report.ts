import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { integer } from '../options.ts';
import type { RegisterCommand } from './index.ts';

interface ReportFlags {
  out: string;
  latentWalk: string;
  walkFrames: number;
  samples: number;
}

/** PNG frames of a folder, sorted by name (a clear error when there are none). */
function framesIn(dir: string): string[] {
  if (!existsSync(dir)) {
    throw new GanforgeError('no_frames', `latent-walk folder ${dir} does not exist`, {
      hint: "pass a folder of PNG frames (frame-000.png, frame-001.png, ...), 'auto' or 'none'",
    });
  }
  const frames = readdirSync(dir)
    .filter((n) => /\.(png|jpe?g|webp)$/i.test(n))
    .sort()
    .map((n) => join(dir, n));
  if (frames.length === 0) {
    throw new GanforgeError('no_frames', `latent-walk folder ${dir} holds no PNG/JPEG/WebP frames`, {
      hint: "pass a folder of PNG frames (frame-000.png, frame-001.png, ...), 'auto' or 'none'",
    });
  }
  return frames;
}

export const registerReport: RegisterCommand = (program) => {
  program
    .command('report')
    .description(
      'Write a self-contained HTML report of a training run: loss, D(x)/D(G(z)) and gradient-norm curves, ' +
        'detector events, sample grids over time, evaluation and a latent walk',
    )
    .argument('<run>', 'a run directory made by ganforge train, e.g. runs/dcgan-mnist-20261123-190000')
    .option('--out <dir>', 'output folder (replaced atomically); empty = <run>/report', '')
    .option(
      '--latent-walk <source>',
      "a folder of PNG frames; 'auto' = <run>/latent-walk/ if present, else rendered from the run's latest checkpoint; 'none'",
      'auto',
    )
    .option('--walk-frames <n>', 'frames rendered by --latent-walk auto', integer(2, 1000), 32)
    .option('--samples <n>', 'sample grids shown, evenly spaced over the run', integer(1, 1000), 12)
    .action(async (run: string, flags: ReportFlags) => {
      const { listCheckpoints } = await import('@ganforge/runs');
      const { loadRunData, renderLatentWalkFrames, writeReport } = await import('@ganforge/report');
      let frames: readonly (string | Buffer)[] | undefined;
      if (flags.latentWalk === 'none') frames = [];
      else if (flags.latentWalk !== 'auto') frames = framesIn(resolve(flags.latentWalk));
      else {
        const data = loadRunData(run); // a clear error first when it is not a run
        if (data.latentWalkFrames.length === 0 && listCheckpoints(data.runDir).length > 0) {
          frames = await renderLatentWalkFrames({ path: data.runDir, frames: flags.walkFrames });
        }
      }
      const out = await writeReport({
        runDir: run,
        outDir: flags.out ? resolve(flags.out) : undefined,
        latentWalkFrames: frames,
        maxSamples: flags.samples,
      });
      process.stdout.write(
        `wrote ${out.html} (${out.steps} steps, ${out.events} detector event${out.events === 1 ? '' : 's'}, ` +
          `${out.files.length} PNG/GIF files beside it${out.latentWalkFrames > 0 ? `, latent walk of ${out.latentWalkFrames} frames` : ''})\n`,
      );
    });
};
