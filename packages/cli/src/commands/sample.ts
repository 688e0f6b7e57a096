import { float, integer } from '../options.ts';
import type { RegisterCommand } from './index.ts';

interface SampleFlags {
  seed: number;
  n: number;
  columns: number;
  padding: number;
  truncation: number;
  out: string;
}

export const registerSample: RegisterCommand = (program) => {
  program
    .command('sample')
    .description('Write a grid of samples from an exported model (offline, onnxruntime-node on the CPU)')
    .argument('<model-dir>', 'a model directory holding model.onnx and card.json, e.g. models/mnist-dcgan')
    .option(
      '--seed <n>',
      'PRNG seed (same seed, same latents as the server and the browser)',
      integer(0, 0xffffffff),
      0,
    )
    .option('--n <n>', 'number of samples', integer(1, 4096), 64)
    .option('--columns <n>', 'images per row (0 = square-ish)', integer(0, 4096), 0)
    .option('--padding <px>', 'pixels between images', integer(0, 64), 2)
    .option('--truncation <t>', 'truncation trick (0 = off)', float(0, 10), 0)
    .option('--out <file>', 'output file: .png, .webp or .npy', 'samples.png')
    .action(async (modelDir: string, flags: SampleFlags) => {
      const { sampleGrid } = await import('@ganforge/serve');
      const r = await sampleGrid({
        modelDir,
        seed: flags.seed,
        n: flags.n,
        out: flags.out,
        padding: flags.padding,
        ...(flags.columns > 0 ? { columns: flags.columns } : {}),
        ...(flags.truncation > 0 ? { truncation: flags.truncation } : {}),
      });
      process.stdout.write(`wrote ${r.n} samples to ${r.out} (${r.bytes} bytes)\n`);
    });
};
