import { access, constants, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { removeStaleSiblings, writeDirAtomic } from '@ganforge/runs';
import { MODEL_FILE } from '../write/atomic-model-dir.ts';

/** <repo>/<name>/config.pbtxt and <repo>/<name>/1/model.onnx: Triton's layout, one version per model. */
export const CONFIG_FILE = 'config.pbtxt';
export const VERSION_DIR = '1';

/** What one entry of the repository holds. */
export interface TritonEntryFiles {
  readonly config: string;
  readonly model: Uint8Array;
}

async function entriesOf(dir: string): Promise<string[] | undefined> {
  return readdir(dir).catch(() => undefined);
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The folder exists and is writable, or can be created: its nearest existing ancestor is a writable folder. */
async function assertCreatable(repo: string, target: string): Promise<void> {
  let probe = target;
  while ((await stat(probe).catch(() => undefined)) === undefined && dirname(probe) !== probe)
    probe = dirname(probe);
  try {
    if (!(await stat(probe)).isDirectory()) {
      throw Object.assign(new Error(`${probe} is not a folder`), { code: 'ENOTDIR' });
    }
    await access(probe, constants.W_OK);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GanforgeError(
      'triton_unwritable',
      `cannot write the Triton repository into ${repo} (${reason})`,
      {
        hint: 'choose an --out folder you can write to',
        cause: e,
      },
    );
  }
}

/** A folder Triton would load as a model: it holds config.pbtxt or a numbered version folder. */
async function looksLikeTritonModel(dir: string): Promise<boolean> {
  const entries = await entriesOf(dir);
  return entries !== undefined && entries.some((e) => e === CONFIG_FILE || /^[1-9]\d*$/.test(e));
}

/** What an entry holds besides config.pbtxt and 1/model.onnx (what this writer writes, so --force may replace it). */
async function foreignFiles(dir: string): Promise<string[]> {
  const top = (await entriesOf(dir)) ?? [];
  const inner = top.includes(VERSION_DIR) ? ((await entriesOf(join(dir, VERSION_DIR))) ?? []) : [];
  const files = [...top.filter((e) => e !== VERSION_DIR), ...inner.map((e) => `${VERSION_DIR}/${e}`)];
  return files.filter((f) => f !== CONFIG_FILE && f !== `${VERSION_DIR}/${MODEL_FILE}`).sort();
}

/**
 * Checks, before anything is written, that `repo` may receive the entries `names`: it is not the models folder
 * itself (nor inside it, where `ganforge serve` would take it for a model); it does not exist, is empty, or is a
 * Triton model repository (every visible entry a model folder); and each <name>/ it already has is replaced only with
 * `force`, and only when it holds nothing but config.pbtxt and 1/model.onnx.
 */
export async function prepareTritonRepository(
  repo: string,
  names: readonly string[],
  opts: { force: boolean; modelsDir: string },
): Promise<void> {
  const target = resolve(repo);
  if (isInside(target, resolve(opts.modelsDir))) {
    throw new GanforgeError(
      'triton_repo_in_models',
      `--out ${repo} is inside ${opts.modelsDir}, the folder the models are read from`,
      {
        hint: 'write the Triton repository to a folder of its own, e.g. --out triton',
      },
    );
  }
  const s = await stat(target).catch(() => undefined);
  if (s !== undefined && !s.isDirectory()) {
    throw new GanforgeError(
      'triton_not_a_repository',
      `--out ${repo} is a file, not a Triton model repository`,
      {
        hint: 'choose a new or empty --out folder',
      },
    );
  }
  await assertCreatable(repo, target);
  if (s === undefined) return;
  for (const entry of (await entriesOf(target)) ?? []) {
    if (entry.startsWith('.')) continue;
    if (!(await looksLikeTritonModel(join(target, entry)))) {
      throw new GanforgeError(
        'triton_not_a_repository',
        `--out ${repo} exists and is not a Triton model repository ('${entry}' is not a model folder with ${CONFIG_FILE} or a version folder)`,
        { hint: 'choose a new or empty --out folder' },
      );
    }
  }
  for (const name of names) {
    const dir = join(target, name);
    if ((await entriesOf(dir)) === undefined) continue;
    if (!opts.force) {
      throw new GanforgeError(
        'triton_exists',
        `the Triton repository ${repo} already has a model '${name}'`,
        {
          hint: 'pass --force to replace it, or choose another --out',
        },
      );
    }
    const files = await foreignFiles(dir);
    if (files.length > 0) {
      throw new GanforgeError(
        'triton_exists',
        `${join(repo, name)} holds files ganforge did not write (${files.join(', ')}); --force only replaces ${CONFIG_FILE} and ${VERSION_DIR}/${MODEL_FILE}`,
        { hint: 'move the model out of the repository first, or choose another --out' },
      );
    }
  }
}

/**
 * Writes <repo>/<name>/config.pbtxt and <repo>/<name>/1/model.onnx into a temporary sibling folder and renames it
 * into place (@ganforge/runs' writeDirAtomic), so Triton never sees half an entry. Leftovers of a writer that died
 * mid-write are cleared first.
 */
export async function writeTritonEntry(repo: string, name: string, files: TritonEntryFiles): Promise<string> {
  const dir = join(resolve(repo), name);
  try {
    removeStaleSiblings(resolve(repo));
    await writeDirAtomic(dir, async (tmp) => {
      await writeFile(join(tmp, CONFIG_FILE), files.config);
      await mkdir(join(tmp, VERSION_DIR));
      await writeFile(join(tmp, VERSION_DIR, MODEL_FILE), files.model);
    });
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GanforgeError(
      'triton_unwritable',
      `cannot write the Triton model '${name}' into ${repo} (${reason})`,
      {
        hint: 'choose an --out folder you can write to',
        cause: e,
      },
    );
  }
  return dir;
}
