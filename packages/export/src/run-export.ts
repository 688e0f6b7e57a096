import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Network } from './card/build-card.ts';
import type { Opset } from './convert/to-onnx.ts';
import type { ExportResult } from './export-model.ts';
import { exportNetwork } from './export-model.ts';
import { loadNetwork } from './load/from-run.ts';

/** The options of `ganforge export` and scripts/export.ts (one implementation for both). */
export interface ExportCommandOptions {
  /** Output directory; default models/<name>. */
  readonly out?: string;
  /** Card name; default the out directory's name, else the run/checkpoint folder's name. */
  readonly name?: string;
  readonly opset: Opset;
  /** Checkpoint step; default the latest. */
  readonly step?: number;
  readonly check: boolean;
  readonly tolerance: number;
  readonly network: 'g' | 'd';
  readonly force: boolean;
  readonly parityBatch?: number;
}

/** models/<name> under the current directory unless --out says otherwise. */
export function resolveOut(
  source: string,
  opts: Pick<ExportCommandOptions, 'out' | 'name' | 'network'>,
): { out: string; name: string } {
  if (opts.out) return { out: resolve(opts.out), name: opts.name ?? basename(resolve(opts.out)) };
  const name = opts.name ?? `${basename(resolve(source))}${opts.network === 'd' ? '-discriminator' : ''}`;
  return { out: resolve(join('models', name)), name };
}

/**
 * Loads the generator (or discriminator) of a run or checkpoint and exports it. The parity reference runs on the
 * tfjs 'cpu' backend, so this selects it (process-wide tfjs state, set at this edge only).
 */
export async function runExport(source: string, opts: ExportCommandOptions): Promise<ExportResult> {
  // PROD only silences tfjs' console notes (the "install tfjs-node" banner) so the command prints just its result.
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  const network: Network = opts.network === 'd' ? 'discriminator' : 'generator';
  const loaded = await loadNetwork(source, {
    network,
    ...(opts.step === undefined ? {} : { step: opts.step }),
  });
  const { out, name } = resolveOut(source, opts);
  return exportNetwork(loaded, {
    out,
    name,
    opset: opts.opset,
    check: opts.check,
    tolerance: opts.tolerance,
    force: opts.force,
    ...(opts.parityBatch === undefined ? {} : { parityBatch: opts.parityBatch }),
  });
}

/** The one-paragraph summary the CLI prints. */
export function describeExport(r: ExportResult): string {
  const parity = r.parity
    ? Object.entries(r.parity.maxAbsDiff)
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(', ')
    : 'skipped (--no-check)';
  return [
    `exported ${r.card.network} '${r.card.name}' to ${r.dir} (model.onnx ${r.bytes} bytes, opset ${r.card.onnx.opset})`,
    `  ${r.card.onnx.inputName} [N, ${r.card.network === 'generator' ? r.card.latent.size : `${r.card.output.height}, ${r.card.output.width}, ${r.card.output.channels}`}] -> ${r.card.onnx.outputName}, trained ${r.card.training.stepsTrained} steps`,
    `  parity (max |onnx - tfjs|, tolerance ${r.parity?.tolerance ?? '-'}): ${parity}`,
  ].join('\n');
}
