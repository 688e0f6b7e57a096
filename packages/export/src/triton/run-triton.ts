import { basename, resolve } from 'node:path';
import { formatConfigPbtxt } from './config-pbtxt.ts';
import type { MaxBatchSource, TritonConfigOptions, TritonModelConfig } from './model-config.ts';
import { assertTritonModelName, buildTritonConfig } from './model-config.ts';
import { assertConfigRoundTrip } from './model-config-proto.ts';
import { readSourceModels } from './model-folders.ts';
import { readOnnxSignature } from './onnx-signature.ts';
import { CONFIG_FILE, VERSION_DIR, prepareTritonRepository, writeTritonEntry } from './repository.ts';

/** The options of `ganforge triton` (and of `ganforge export --triton`). */
export interface TritonCommandOptions extends TritonConfigOptions {
  /** The Triton model repository to write (created if missing). */
  readonly out: string;
  /** Only these models of the models folder (default: all). */
  readonly models?: readonly string[];
  /** Replace entries of the same names that ganforge wrote before. */
  readonly force?: boolean;
}

export interface TritonEntry {
  readonly name: string;
  /** <repo>/<name>, absolute. */
  readonly dir: string;
  readonly config: TritonModelConfig;
  /** The config.pbtxt text as written. */
  readonly text: string;
  readonly maxBatchSource: MaxBatchSource;
  readonly modelBytes: number;
}

export interface TritonRepositoryResult {
  readonly repo: string;
  readonly entries: readonly TritonEntry[];
}

/**
 * Writes a Triton model repository from a models folder (or one model folder): <repo>/<name>/config.pbtxt and
 * <repo>/<name>/1/model.onnx per model. Every model is read, every config built and checked against Triton's
 * model_config.proto, and the repository checked, before anything is written; each entry is then written atomically.
 */
export async function writeTritonRepository(
  source: string,
  opts: TritonCommandOptions,
): Promise<TritonRepositoryResult> {
  const models = await readSourceModels(source, opts.models ?? []);
  const planned = models.map((m) => {
    const signature = readOnnxSignature(m.model, `${m.name}/model.onnx`);
    const { config, maxBatchSource } = buildTritonConfig(m.name, signature, m.card, opts);
    const text = formatConfigPbtxt(
      config,
      `Triton model configuration of the ganforge ${m.card.network} '${m.card.name}' (written by ganforge triton).`,
    );
    assertConfigRoundTrip(text, config, `${m.name}/${CONFIG_FILE}`);
    return { model: m, config, maxBatchSource, text };
  });
  await prepareTritonRepository(
    opts.out,
    planned.map((p) => p.model.name),
    { force: opts.force ?? false, modelsDir: source },
  );
  const entries: TritonEntry[] = [];
  for (const p of planned) {
    const dir = await writeTritonEntry(opts.out, p.model.name, { config: p.text, model: p.model.model });
    entries.push({
      name: p.model.name,
      dir,
      config: p.config,
      text: p.text,
      maxBatchSource: p.maxBatchSource,
      modelBytes: p.model.model.length,
    });
  }
  return { repo: resolve(opts.out), entries };
}

const BATCH_NOTE: Readonly<Record<MaxBatchSource, string>> = {
  default: '',
  option: '',
  card: " (the card's serving.maxBatch)",
  'option capped by card': " (lowered to the card's serving.maxBatch)",
};

/**
 * For `ganforge export --triton`: checks, before the export runs, that the model folder's name is a valid model name
 * and that the repository can take it, so a doomed Triton step never follows a finished export.
 */
export async function checkTritonTarget(
  modelDir: string,
  opts: Pick<TritonCommandOptions, 'out' | 'force'>,
): Promise<void> {
  const name = basename(resolve(modelDir));
  assertTritonModelName(name);
  await prepareTritonRepository(opts.out, [name], { force: opts.force ?? false, modelsDir: modelDir });
}

function shape(dims: readonly number[]): string {
  return `[N, ${dims.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`;
}

/** What `ganforge triton` prints: one line per model, then how to start Triton on the repository. */
export function describeTriton(r: TritonRepositoryResult): string {
  const lines = [`wrote a Triton model repository to ${r.repo}`];
  for (const e of r.entries) {
    const io = (t: TritonModelConfig['input']) =>
      t.map((x) => `${x.name} ${x.data_type} ${shape(x.dims)}`).join(', ');
    const batch = BATCH_NOTE[e.maxBatchSource];
    lines.push(
      `  ${e.name}/${CONFIG_FILE} + ${e.name}/${VERSION_DIR}/model.onnx: ${io(e.config.input)} -> ${io(e.config.output)}, max_batch_size ${e.config.max_batch_size}${batch}, dynamic batching`,
    );
  }
  lines.push(`  serve it: tritonserver --model-repository=${r.repo}`);
  return lines.join('\n');
}
