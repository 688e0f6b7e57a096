import { Command } from 'commander';
import { commands } from './commands/index.ts';
import { version } from './version.ts';

/** The `ganforge` command tree. Errors in usage exit 2 with one line; see main.ts. */
export function buildProgram(): Command {
  const program = new Command('ganforge')
    .description(
      'Train GAN generators with TensorFlow.js, export them to ONNX, serve them over HTTP and in the browser.',
    )
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride();
  for (const register of commands) register(program);
  // Every subcommand inherits the exit override and shows option defaults in --help.
  for (const sub of program.commands) sub.exitOverride();
  return program;
}
