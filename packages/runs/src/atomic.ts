import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

type SiblingTag = 'tmp' | 'old';

/**
 * A sibling name for a temporary file or folder: same directory, so rename() stays atomic.
 * `.<name>.tmp-<pid>-<n>` is being written; `.<name>.old-<pid>-<n>` is the version it replaces.
 */
function siblingName(path: string, tag: SiblingTag): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${counter}`);
}

const SIBLING = /^\.(.+)\.(tmp|old)-(\d+)-\d+$/;

/** Whether a process with this id runs (one we may not signal runs too). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Clears what writeFileAtomic and writeDirAtomic calls left in `dir` when their process died mid-write
 * (killed, out of memory, power cut): temporary siblings are removed; an older version moved aside goes
 * back in place when its new version never arrived, else it is removed. Siblings of a process that still
 * runs are left alone (it may be writing them), and so is every name this writer does not make.
 * Returns the names it removed or put back.
 */
export function removeStaleSiblings(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const done: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = SIBLING.exec(name);
    if (!m || isRunning(Number(m[3]))) continue;
    const path = join(dir, name);
    const target = join(dir, m[1] as string);
    if (m[2] === 'old' && !existsSync(target)) renameSync(path, target);
    else rmSync(path, { recursive: true, force: true });
    done.push(name);
  }
  return done;
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
