import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '@ganforge/runs';

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes a lock file holding this process's id; a lock left by a process that is gone is taken over.
 * Throws `busy(holder)` while another live process holds it. Returns the release.
 */
export function acquirePidLock(file: string, busy: (holder: number) => Error): () => void {
  const holder = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : Number.NaN;
  if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) throw busy(holder);
  writeFileAtomic(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}
