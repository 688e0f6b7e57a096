import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GanforgeError, parseModelCard, type ModelCard } from '@ganforge/core';

/** A model's files exactly as loaded, with a strong validator. */
export interface ModelFiles {
  readonly modelOnnx: Uint8Array;
  readonly cardJson: Uint8Array;
  /** Strong ETag over both files (quoted). */
  readonly etag: string;
  readonly loadedAt: Date;
}

/** An error as a model entry (and the log) shows it: its code and message. */
export function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof GanforgeError) return { code: e.code, message: e.message };
  return { code: 'model_load_failed', message: e instanceof Error ? e.message : String(e) };
}

/** A file-system error without the absolute path Node puts in its message ("ENOENT", "EACCES"...). */
function fsMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code === 'ENOENT' ? 'no such file' : code;
  return e instanceof Error ? e.message : String(e);
}

export function strongEtag(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return `"${h.digest('base64url').slice(0, 27)}"`;
}

/**
 * Size + mtime + inode of <name>/model.onnx and <name>/card.json (a change means a reload), and the
 * newest mtime (ms since the epoch; 0 when both are missing).
 */
export async function folderFingerprint(
  modelsDir: string,
  name: string,
): Promise<{ fingerprint: string; changedAt: number }> {
  const dir = join(modelsDir, name);
  let changedAt = 0;
  const part = async (file: string) => {
    try {
      const s = await stat(join(dir, file));
      changedAt = Math.max(changedAt, s.mtimeMs, s.ctimeMs);
      return `${s.size}:${s.mtimeMs}:${s.ino}`;
    } catch {
      return 'missing';
    }
  };
  const fingerprint = `${await part('model.onnx')}|${await part('card.json')}`;
  return { fingerprint, changedAt };
}

/**
 * Reads <name>/card.json (parsed and checked against the card schema) and the bytes of
 * <name>/model.onnx. Errors name the files relative to the models folder: responses must not reveal
 * server paths.
 */
export async function readModelFolder(
  modelsDir: string,
  name: string,
): Promise<{ card: ModelCard; cardJson: Uint8Array; modelOnnx: Uint8Array }> {
  const dir = join(modelsDir, name);
  const shown = (file: string) => `${name}/${file}`;
  let cardJson: Uint8Array;
  let cardValue: unknown;
  try {
    cardJson = await readFile(join(dir, 'card.json'));
    cardValue = JSON.parse(Buffer.from(cardJson).toString('utf8'));
  } catch (e) {
    throw new GanforgeError('bad_card', `cannot read ${shown('card.json')}: ${fsMessage(e)}`, {
      hint: 're-export the model with `ganforge export`',
    });
  }
  const card = parseModelCard(cardValue);
  let modelOnnx: Uint8Array;
  try {
    modelOnnx = await readFile(join(dir, 'model.onnx'));
  } catch {
    throw new GanforgeError('model_missing', `${shown('model.onnx')} does not exist`, {
      hint: 're-export the model with `ganforge export`',
    });
  }
  return { card, cardJson, modelOnnx };
}
