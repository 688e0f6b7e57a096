import { CommanderError } from 'commander';
import { isGanforgeError } from '@ganforge/core';
import { CommandExit } from './exit.ts';
import { buildProgram } from './program.ts';

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 a failure the user can fix (one line, no stack),
 * 2 a usage error (unknown option, bad value, a bad --set), 130 interrupted by Ctrl-C (SIGINT),
 * 143 stopped by SIGTERM.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommandExit) return e.exitCode;
    if (e instanceof CommanderError) {
      // Commander has already printed its one-line message ("error: unknown option '--x'").
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return 0;
      }
      return 2;
    }
    if (isGanforgeError(e)) {
      process.stderr.write(`ganforge: ${e.toLine()}\n`);
      return e.usage ? 2 : 1;
    }
    if (process.env.GANFORGE_DEBUG) throw e;
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `ganforge: unexpected error: ${message.split('\n')[0]} (set GANFORGE_DEBUG=1 for the stack)\n`,
    );
    return 1;
  }
}
