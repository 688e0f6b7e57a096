import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { GanforgeError, isValidModelName, parseModelCard } from '@ganforge/core';
import type { ModelCard } from '@ganforge/core';
import { CARD_FILE, MODEL_FILE } from '../write/atomic-model-dir.ts';
import { assertTritonModelName } from './model-config.ts';

/** The evaluator classifiers `ganforge eval` uses live in models/evaluators/; they are not served models. */
const EVALUATORS_DIR = 'evaluators';

/** One exported model folder: <name>/model.onnx + <name>/card.json. */
export interface SourceModel {
  readonly name: string;
  readonly dir: string;
  readonly card: ModelCard;
  readonly model: Uint8Array;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function readSourceModel(name: string, dir: string): Promise<SourceModel> {
  assertTritonModelName(name);
  const shown = (file: string) => `${name}/${file}`;
  let cardValue: unknown;
  try {
    cardValue = JSON.parse(await readFile(join(dir, CARD_FILE), 'utf8'));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new GanforgeError('triton_bad_model', `cannot read ${shown(CARD_FILE)}: ${reason}`, {
      hint: 're-export the model with `ganforge export`',
    });
  }
  const card = parseModelCard(cardValue, shown(CARD_FILE));
  let model: Uint8Array;
  try {
    model = await readFile(join(dir, MODEL_FILE));
  } catch {
    throw new GanforgeError('triton_bad_model', `${shown(MODEL_FILE)} does not exist`, {
      hint: 're-export the model with `ganforge export`',
    });
  }
  return { name, dir, card, model };
}

/**
 * The models under `source`: a models folder (every <name>/ holding model.onnx or card.json; hidden folders, such as
 * an export still being written, and evaluators/ are skipped) or one model folder itself. `only` picks models by
 * name. A model folder whose name breaks core's model-name rule is refused, not skipped: a Triton repository
 * silently missing a model is worse than an error.
 */
export async function readSourceModels(source: string, only: readonly string[] = []): Promise<SourceModel[]> {
  for (const name of only) {
    if (!isValidModelName(name)) {
      throw new GanforgeError('usage', `--model '${name}' is not a valid model name`, {
        hint: "a model name is one folder name: letters, digits, '.', '_' and '-'",
      });
    }
  }
  const root = resolve(source);
  const s = await stat(root).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new GanforgeError('triton_no_models', `${source} ${s ? 'is not a folder' : 'does not exist'}`, {
      hint: 'pass a models folder (<name>/model.onnx + <name>/card.json) or one model folder',
    });
  }
  let names: string[];
  let folder: (name: string) => string;
  if ((await isFile(join(root, MODEL_FILE))) || (await isFile(join(root, CARD_FILE)))) {
    names = [basename(root)];
    folder = () => root;
  } else {
    const entries = await readdir(root, { withFileTypes: true });
    const candidates = entries.filter(
      (e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== EVALUATORS_DIR,
    );
    names = [];
    for (const e of candidates) {
      const dir = join(root, e.name);
      if ((await isFile(join(dir, MODEL_FILE))) || (await isFile(join(dir, CARD_FILE)))) names.push(e.name);
    }
    names.sort();
    folder = (name) => join(root, name);
  }
  if (only.length > 0) {
    const missing = only.filter((n) => !names.includes(n));
    if (missing.length > 0) {
      throw new GanforgeError('triton_no_models', `${source} has no model '${missing[0]}'`, {
        hint: names.length > 0 ? `its models: ${names.join(', ')}` : 'export one with `ganforge export`',
      });
    }
    names = names.filter((n) => only.includes(n));
  }
  if (names.length === 0) {
    throw new GanforgeError(
      'triton_no_models',
      `${source} holds no exported model (<name>/model.onnx + card.json)`,
      {
        hint: 'export one with `ganforge export`',
      },
    );
  }
  const models: SourceModel[] = [];
  for (const name of names) models.push(await readSourceModel(name, folder(name)));
  return models;
}
