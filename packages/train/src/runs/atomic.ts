import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** A sibling name for a temporary file or folder: same directory, so rename() stays atomic. */
function siblingName(path: string, tag: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${counter}`);
}

/**
 * Writes a file so readers see the old bytes or the new ones, never half of them: the data goes to
 * a temporary sibling first, which is then renamed over `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = siblingName(path, 'tmp');
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Fills a folder as a whole: `fill` writes into a temporary sibling folder, which then takes the
 * place of `dir` (an older `dir` is moved aside first and removed after). When `fill` throws, the
 * temporary folder is removed and `dir` is left as it was.
 */
export async function writeDirAtomic(dir: string, fill: (tmp: string) => void | Promise<void>): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = siblingName(dir, 'tmp');
  mkdirSync(tmp);
  try {
    await fill(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (existsSync(dir)) {
    const old = siblingName(dir, 'old');
    renameSync(dir, old);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      renameSync(old, dir);
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(tmp, dir);
  }
}
