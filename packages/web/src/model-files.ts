import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { GanforgeError, isValidModelName } from '@ganforge/core';

/** The files of a model directory the browser may fetch. Nothing else in the directory is served. */
export const MODEL_FILES = ['model.onnx', 'card.json'] as const;
export type ModelFileName = (typeof MODEL_FILES)[number];

/** Throws the 400 for a name that breaks the model-name rule (it never reaches a path or a lookup). */
export function checkModelName(name: string): void {
  if (!isValidModelName(name)) {
    throw new GanforgeError('bad_model_name', `invalid model name ${JSON.stringify(name)}`, {
      hint: 'model names use letters, digits, ".", "_" and "-" only',
      status: 400,
    });
  }
}

/** The 404 for a model (or one of its files) that is not there. */
export function modelFileNotFound(name: string, file: ModelFileName): GanforgeError {
  return new GanforgeError('model_not_found', `model "${name}" has no ${file}`, {
    hint: 'list the available models with GET /v1/models',
    status: 404,
  });
}

/**
 * The absolute path of `<modelsDir>/<name>/<file>`, after checking the name strictly and that the
 * resolved file (symlinks followed) is a regular file inside modelsDir. Throws GanforgeError
 * (400 for a bad name, 404 for a missing model or file).
 */
export async function resolveModelFile(
  modelsDir: string,
  name: string,
  file: ModelFileName,
): Promise<string> {
  checkModelName(name);
  const notFound = (): GanforgeError => modelFileNotFound(name, file);
  let root: string;
  let real: string;
  try {
    root = await realpath(modelsDir);
    real = await realpath(join(root, name, file));
  } catch {
    throw notFound();
  }
  if (!real.startsWith(root + sep)) throw notFound();
  const info = await stat(real);
  if (!info.isFile()) throw notFound();
  return real;
}
