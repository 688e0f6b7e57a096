import { access, constants, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { GanforgeError } from '@ganforge/core';

/** The files of an exported model directory. */
export const MODEL_FILE = 'model.onnx';
export const CARD_FILE = 'card.json';
const OWN_FILES = new Set([MODEL_FILE, CARD_FILE]);

function unwritable(dir: string, cause: unknown): GanforgeError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
  return new GanforgeError('export_unwritable', `cannot write the model into ${dir} (${reason})`, {
    hint: 'choose an --out directory you can write to',
    cause,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The directory exists and is writable, or can be created: its nearest existing ancestor is a writable directory. */
async function assertCreatable(dir: string): Promise<void> {
  let probe = dir;
  while (!(await exists(probe)) && dirname(probe) !== probe) probe = dirname(probe);
  try {
    if (!(await stat(probe)).isDirectory()) {
      throw Object.assign(new Error(`${probe} is not a directory`), { code: 'ENOTDIR' });
    }
    await access(probe, constants.W_OK);
  } catch (e) {
    throw unwritable(dir, e);
  }
}

/**
 * Checks, before any work is done (and without creating anything), that `outDir` can be written: its parent exists
 * or can be created, and an existing model there is only replaced with `force` (and only if the directory holds nothing but
 * model.onnx and card.json, so --force never deletes anything else).
 */
export async function prepareModelDir(outDir: string, force: boolean): Promise<void> {
  const target = resolve(outDir);
  await assertCreatable(dirname(target));
  if (!(await exists(target))) return;
  const s = await stat(target);
  if (!s.isDirectory()) {
    throw new GanforgeError('export_exists', `--out ${outDir} is a file, not a model directory`, {
      hint: 'choose another --out',
    });
  }
  const entries = await readdir(target);
  if (entries.length === 0) return;
  if (!force) {
    throw new GanforgeError('export_exists', `a model already exists in ${outDir} (${entries.join(', ')})`, {
      hint: 'pass --force to replace it, or choose another --out',
    });
  }
  const foreign = entries.filter((e) => !OWN_FILES.has(e));
  if (foreign.length > 0) {
    throw new GanforgeError(
      'export_exists',
      `${outDir} holds files that are not an exported model (${foreign.join(', ')}); --force only replaces model.onnx and card.json`,
      { hint: 'choose an empty or new --out directory' },
    );
  }
}

/**
 * Writes model.onnx and card.json into a temporary directory beside `outDir`, then renames it into place, so readers
 * see the old model or the new one, never half of one. An existing model is replaced only with `force`.
 */
export async function writeModelDir(
  outDir: string,
  files: { model: Uint8Array; card: string },
  force: boolean,
): Promise<string> {
  await prepareModelDir(outDir, force);
  const target = resolve(outDir);
  const parent = dirname(target);
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const temp = join(parent, `.${basename(target)}.tmp-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(temp);
    await writeFile(join(temp, MODEL_FILE), files.model);
    await writeFile(join(temp, CARD_FILE), files.card);
    if (await exists(target)) {
      await rename(target, old);
      try {
        await rename(temp, target);
      } catch (e) {
        await rename(old, target);
        throw e;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
    }
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    if (e instanceof GanforgeError) throw e;
    throw unwritable(parent, e);
  }
  return target;
}
