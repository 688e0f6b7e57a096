import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { writeFakeRun } from './fake-run.ts';

/** Where useFakeRun puts its run: the temporary folder and the run folder inside it. */
export interface FakeRunFolders {
  readonly tmp: string;
  readonly runDir: string;
}

/**
 * A fake run (writeFakeRun, of `steps` steps with D overpowering G from `onset`) for a test file: written
 * before its tests to `<tmp>/<name>` in a fresh temporary folder `ganforge-<prefix>-*`, removed after them.
 */
export function useFakeRun(opts: {
  prefix: string;
  name?: string;
  steps?: number;
  onset?: number;
}): FakeRunFolders {
  const tmp = mkdtempSync(join(tmpdir(), `ganforge-${opts.prefix}-`));
  const runDir = join(tmp, opts.name ?? 'fake-20261123-190000');
  beforeAll(async () => {
    await writeFakeRun(runDir, opts);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  return { tmp, runDir };
}
