/**
 * Ends a command with a given exit code once it has printed what it had to say, e.g. 130 after Ctrl-C
 * stopped a training run: main() returns the code and prints nothing more.
 */
export class CommandExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, reason: string) {
    super(reason);
    this.name = 'CommandExit';
    this.exitCode = exitCode;
  }
}
