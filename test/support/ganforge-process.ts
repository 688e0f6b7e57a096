/**
 * The `ganforge` command as a user runs it, for tests: a real process started from the repository root, with no
 * colour and no debug traces. In-process through main(): ganforge-in-process.ts.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The `ganforge` bin, relative to ROOT. */
export const BIN = 'packages/cli/bin/ganforge.mjs';

export interface CliResult {
  /** The exit code; null when the process was killed (e.g. by the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node <args>` in ROOT, as the user's shell would start it; killed after `timeoutMs`. */
export function runNode(args: readonly string[], timeoutMs: number): CliResult {
  const res = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: '1', GANFORGE_DEBUG: '' },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The `ganforge` bin as a real process. */
export function ganforgeProcess(args: readonly string[], timeoutMs = 60_000): CliResult {
  return runNode([BIN, ...args], timeoutMs);
}
