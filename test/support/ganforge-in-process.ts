/**
 * The `ganforge` command in the test's own process, through the CLI's main(), with what it writes to stdout and
 * stderr captured (faster than a process; the bin itself: ganforge-process.ts).
 */
import { vi } from 'vitest';
import { main } from '@ganforge/cli';

/** `ganforge <args>` in this process, through main(), with what it writes to stdout and stderr. */
export async function ganforgeInProcess(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (s: string | Uint8Array) => ((stdout += String(s)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (s: string | Uint8Array) => ((stderr += String(s)), true),
  );
  try {
    const code = await main(['node', 'ganforge', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
