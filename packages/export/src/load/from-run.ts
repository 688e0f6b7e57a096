import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import type { ModelCard } from '@ganforge/core';
import type { RunMeta } from '@ganforge/runs';
import {
  RUN_EVAL_DIR,
  runCommands,
  RUN_FILES,
  loadCheckpoint,
  loadGenerator,
  readRunMeta,
  stepName,
  type RunConfigView,
} from '@ganforge/runs';
import type { ModelProvenance, Network } from '../card/build-card.ts';
import { conditioningOf } from '../card/conditioning.ts';
import type { LoadedNetwork } from '../export-model.ts';

/**
 * A short, JSON-only summary of the training config for the card; `techniques` is the run's record of
 * which techniques were on (meta.json's, kept current on resume).
 */
export function configSummary(
  config: RunConfigView | undefined,
  techniques: Readonly<Record<string, boolean>> | undefined,
): ModelCard['training']['config'] {
  if (!config) return {};
  return JSON.parse(
    JSON.stringify({
      name: config.name,
      generator: config.generator,
      discriminator: config.discriminator,
      loss: config.loss,
      optimizers: config.optimizers,
      batchSize: config.batchSize,
      ...(techniques ? { techniques } : {}),
    }),
  ) as ModelCard['training']['config'];
}

function readMeta(runDir: string | undefined): RunMeta | undefined {
  if (runDir === undefined || !existsSync(join(runDir, RUN_FILES.meta))) return undefined;
  return readRunMeta(join(runDir, RUN_FILES.meta));
}

/** The evaluation `ganforge eval` recorded for this step of the run (<run>/eval/step-XXXXXX.json), if any. */
function recordedEvaluation(runDir: string | undefined, step: number): ModelCard['evaluation'] {
  if (runDir === undefined) return undefined;
  const file = join(runDir, RUN_EVAL_DIR, `${stepName(step)}.json`);
  if (!existsSync(file)) return undefined;
  let recorded: { metrics?: unknown; protocol?: unknown };
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8')) as typeof recorded;
  } catch (e) {
    throw new GanforgeError('bad_evaluation', `${file} is not valid JSON`, {
      cause: e,
      hint: 'run ganforge eval on the run again, or delete the file',
    });
  }
  return { metrics: recorded.metrics, protocol: recorded.protocol } as ModelCard['evaluation'];
}

/**
 * The class names the run recorded (meta.json dataset.classes, index = class id), read as unknown: RunMeta
 * may not declare the field. Undefined when absent; bad_run when it is not a list of strings (the card's
 * schema then checks they are non-empty and unique).
 */
export function datasetClasses(meta: RunMeta | undefined): string[] | undefined {
  const classes = (meta?.dataset as { classes?: unknown } | undefined)?.classes;
  if (classes === undefined || classes === null) return undefined;
  if (!Array.isArray(classes) || !classes.every((c): c is string => typeof c === 'string')) {
    throw new GanforgeError('bad_run', "meta.json's dataset.classes is not a list of class names", {
      hint: 'it lists one name per class id, e.g. ["cat", "dog"]; fix or remove it',
    });
  }
  return classes;
}

function provenance(args: {
  model: tfl.LayersModel;
  latent: { dim: number; distribution: ModelCard['latent']['distribution'] };
  step: number;
  config: RunConfigView | undefined;
  runDir: string | undefined;
}): ModelProvenance {
  const meta = readMeta(args.runDir);
  const conditioning = conditioningOf(args.model, datasetClasses(meta));
  const dataset: ModelCard['dataset'] = meta
    ? { name: meta.dataset.name, split: meta.dataset.split, size: meta.dataset.size }
    : args.config
      ? { name: args.config.dataset.kind, split: args.config.dataset.split }
      : { name: 'unknown' };
  const evaluation = recordedEvaluation(args.runDir, args.step);
  return {
    latent: { size: args.latent.dim, distribution: args.latent.distribution },
    ...(conditioning ? { conditioning } : {}),
    ...(evaluation ? { evaluation } : {}),
    dataset,
    training: {
      config: configSummary(args.config, meta?.techniques),
      stepsTrained: args.step,
      backend: meta
        ? {
            name: meta.backend.name,
            version: meta.backend.version,
            threads: Math.max(1, meta.backend.threads),
            ...(meta.backend.gemm === undefined ? {} : { gemm: meta.backend.gemm }),
          }
        : { name: 'unknown', version: 'unknown', threads: 1 },
      seed: meta?.seed ?? args.config?.seed ?? 0,
      ...(meta && runCommands(meta).length > 0 ? { commands: runCommands(meta) } : {}),
    },
  };
}

/**
 * Loads the generator (via @ganforge/train's loadGenerator) or the discriminator of a run directory or checkpoint,
 * with what the card needs to know about it. `step` picks one of a run's checkpoints (default the latest).
 */
export async function loadNetwork(
  path: string,
  options: { network: Network; step?: number },
): Promise<LoadedNetwork> {
  if (!existsSync(path)) {
    throw new GanforgeError('checkpoint_not_found', `${path} does not exist`, {
      hint: 'pass a run directory (runs/<name>-<time>) or one of its checkpoints/step-XXXXXX folders',
    });
  }
  const step = options.step === undefined ? {} : { step: options.step };
  if (options.network === 'generator') {
    const g = await loadGenerator(path, step);
    return { model: g.model, network: 'generator', provenance: provenance({ ...g, latent: g.latent }) };
  }
  const c = await loadCheckpoint(path, step);
  const model: tfl.LayersModel = c.discriminator;
  return {
    model,
    network: 'discriminator',
    provenance: provenance({
      model,
      latent: c.state.latent,
      step: c.state.step,
      config: c.config,
      runDir: c.runDir,
    }),
  };
}
