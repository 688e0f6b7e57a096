import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';

/** How to start the `ganforge` command as a child process: node, its arguments before the subcommand. */
export interface GanforgeLauncher {
  readonly node: string;
  /** e.g. [...process.execArgv, 'packages/cli/bin/ganforge.mjs'] */
  readonly args: readonly string[];
  readonly cwd?: string | undefined;
}

/**
 * Runs `ganforge <args>` to its end, its output appended to `log`; resolves with its exit code (128 +
 * the signal's number when a signal ended it). In its own process group: a Ctrl-C on the terminal
 * reaches only this process, which forwards one SIGTERM when `signal` aborts (a second signal would make
 * ganforge train exit without its checkpoint).
 */
export function runGanforge(
  launcher: GanforgeLauncher,
  args: readonly string[],
  log: string,
  signal: AbortSignal | undefined,
  env: Readonly<Record<string, string>> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'a');
    const child = spawn(launcher.node, [...launcher.args, ...args], {
      cwd: launcher.cwd,
      stdio: ['ignore', fd, fd],
      detached: true,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    closeSync(fd);
    const stop = (): void => {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', stop);
      resolve(code ?? 128 + (sig === null ? 9 : constants.signals[sig]));
    });
  });
}
