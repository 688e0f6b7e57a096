import { Option } from 'commander';
import type { ExportCommandOptions } from '@ganforge/export';
import {
  DEFAULT_TOLERANCE,
  checkTritonTarget,
  describeExport,
  describeTriton,
  resolveOut,
  runExport,
  writeTritonRepository,
} from '@ganforge/export';
import { float, integer } from '../options.ts';
import type { RegisterCommand } from './index.ts';

interface ExportFlags {
  out?: string;
  name?: string;
  opset: string;
  step?: number;
  check: boolean;
  tolerance: number;
  network: 'g' | 'd';
  force: boolean;
  parityBatch: number;
  triton?: string;
}

export const registerExport: RegisterCommand = (program) => {
  program
    .command('export')
    .description(
      'Export a trained generator (or discriminator) to ONNX: model.onnx + card.json, checked against tfjs in onnxruntime-node and onnxruntime-web',
    )
    .argument(
      '<run-or-checkpoint>',
      'a run directory (runs/<name>-<time>) or a checkpoint folder (checkpoints/step-XXXXXX)',
    )
    .option('--out <dir>', 'output directory (default: models/<name>)')
    .option('--name <name>', "the model's name in its card (default: the --out folder's name)")
    .addOption(new Option('--opset <n>', 'ONNX opset').choices(['13', '17']).default('13'))
    .option('--step <n>', 'which checkpoint of a run (default: the latest)', integer(0))
    .option('--check', 'compare tfjs and ONNX outputs in onnxruntime-node and -web', true)
    .option('--no-check', 'skip the parity check')
    .option(
      '--tolerance <x>',
      'largest allowed |onnx - tfjs| in the parity check',
      float(1e-12, 1),
      DEFAULT_TOLERANCE,
    )
    .option('--parity-batch <n>', 'latent vectors compared in the parity check', integer(1, 1024), 8)
    .addOption(
      new Option('--network <g|d>', 'which network: g = generator, d = discriminator')
        .choices(['g', 'd'])
        .default('g'),
    )
    .option('--force', 'replace an existing model in --out (and in --triton)', false)
    .option(
      '--triton <repo>',
      'also add the model to a Triton model repository: <repo>/<name>/config.pbtxt + <repo>/<name>/1/model.onnx (default: none)',
    )
    .action(async (source: string, flags: ExportFlags) => {
      const opts: ExportCommandOptions = {
        ...(flags.out === undefined ? {} : { out: flags.out }),
        ...(flags.name === undefined ? {} : { name: flags.name }),
        ...(flags.step === undefined ? {} : { step: flags.step }),
        opset: flags.opset === '17' ? 17 : 13,
        check: flags.check,
        tolerance: flags.tolerance,
        network: flags.network,
        force: flags.force,
        parityBatch: flags.parityBatch,
      };
      const triton = flags.triton === undefined ? undefined : { out: flags.triton, force: flags.force };
      if (triton) await checkTritonTarget(resolveOut(source, opts).out, triton);
      const result = await runExport(source, opts);
      process.stdout.write(`${describeExport(result)}\n`);
      if (triton)
        process.stdout.write(`${describeTriton(await writeTritonRepository(result.dir, triton))}\n`);
    });
};
