import { Option } from 'commander';
import type { InstanceKind, TritonCommandOptions } from '@ganforge/export';
import {
  DEFAULT_QUEUE_DELAY_US,
  MAX_TRITON_BATCH,
  describeTriton,
  writeTritonRepository,
} from '@ganforge/export';
import { collect, integer } from '../options.ts';
import type { RegisterCommand } from './index.ts';

interface TritonFlags {
  out: string;
  maxBatch?: number;
  model: string[];
  queueDelayUs: number;
  instances?: number;
  instanceKind?: 'auto' | 'cpu' | 'gpu';
  force: boolean;
}

/** The instance_group of --instances / --instance-kind, or none (Triton's default) when neither is given. */
function instancesOf(flags: TritonFlags): TritonCommandOptions['instances'] {
  if (flags.instances === undefined && flags.instanceKind === undefined) return undefined;
  const kind = `KIND_${(flags.instanceKind ?? 'auto').toUpperCase()}` as InstanceKind;
  return { count: flags.instances ?? 1, kind };
}

export const registerTriton: RegisterCommand = (program) => {
  program
    .command('triton')
    .description(
      'Write a Triton Inference Server model repository from exported models: <repo>/<name>/config.pbtxt (onnxruntime_onnx, dynamic batching) + <repo>/<name>/1/model.onnx',
    )
    .argument('<models-dir>', 'a models folder (<name>/model.onnx + card.json), or one model folder')
    .option('--out <repo>', 'the Triton model repository to write (created if missing)', 'triton')
    .option(
      '--max-batch <n>',
      "max_batch_size (default: the card's serving.maxBatch, else 64; never above the card's)",
      integer(1, MAX_TRITON_BATCH),
    )
    .addOption(
      new Option('--model <name>', 'only this model of the folder (repeatable)')
        .argParser(collect)
        .default([], 'all'),
    )
    .option(
      '--queue-delay-us <n>',
      "dynamic_batching's max_queue_delay_microseconds",
      integer(0, 60_000_000),
      DEFAULT_QUEUE_DELAY_US,
    )
    .option(
      '--instances <n>',
      "instance_group count: model instances per device (default: no instance_group, Triton's own choice)",
      integer(1, 256),
    )
    .addOption(
      new Option(
        '--instance-kind <kind>',
        'instance_group kind (default: auto when --instances is given)',
      ).choices(['auto', 'cpu', 'gpu']),
    )
    .option(
      '--force',
      'replace models of the same names that ganforge wrote into the repository before',
      false,
    )
    .action(async (source: string, flags: TritonFlags) => {
      const instances = instancesOf(flags);
      const opts: TritonCommandOptions = {
        out: flags.out,
        models: flags.model,
        queueDelayUs: flags.queueDelayUs,
        force: flags.force,
        ...(flags.maxBatch === undefined ? {} : { maxBatch: flags.maxBatch }),
        ...(instances === undefined ? {} : { instances }),
      };
      process.stdout.write(`${describeTriton(await writeTritonRepository(source, opts))}\n`);
    });
};
