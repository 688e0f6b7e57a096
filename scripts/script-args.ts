/**
 * The command lines of the scripts in scripts/ (benchmarks, chaos, checks): node:util's parseArgs with
 * the answers a command owes its user. `--help` (or `-h`) prints the usage and exits 0; an unknown
 * option, a missing value or a value that is not what the option takes prints one line naming it, then
 * the usage, and exits 2 — before any work starts (a typo in `npm run bench -- --rounds x` must not
 * start a half-hour run, nor end in a stack trace).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A script as its messages name it, and its usage text (one or more lines, no trailing newline). */
export interface ScriptCommand {
  /** The name messages start with: 'bench-serve'. */
  readonly name: string;
  readonly usage: string;
}

/** Prints `<name>: <message>` and the usage to stderr, and exits 2. */
export function usageError(cmd: ScriptCommand, message: string): never {
  process.stderr.write(`${cmd.name}: ${message}\n${cmd.usage}\n`);
  process.exit(2);
}

/** parseArgs(config) over the script's arguments (config.args, else the command line's), as above. */
export function parseScriptArgs<T extends ParseArgsConfig>(
  cmd: ScriptCommand,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  const args = config.args ?? process.argv.slice(2);
  // Only before a '--': after it every argument is a positional, '--help' included.
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(`${cmd.usage}\n`);
    process.exit(0);
  }
  try {
    // parseArgs is strict unless told otherwise: every option must be declared.
    return parseArgs<T>({ ...config, args });
  } catch (e) {
    return usageError(cmd, e instanceof Error ? e.message : String(e));
  }
}

/** What a numeric option takes: whole numbers only, and the least value (default 0). */
export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
  /** The least value is not allowed itself (durations: above 0). */
  readonly above?: boolean;
  /** The greatest value allowed (default: none). */
  readonly max?: number;
}

/**
 * A numeric option's value: undefined when it was not given; a usage error naming `--flag`, what it
 * takes and what was given when it is not such a number.
 */
export function numberOption(
  cmd: ScriptCommand,
  flag: string,
  raw: string | undefined,
  rule: NumberRule = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const { integer = false, min = 0, above = false, max = Infinity } = rule;
  const value = raw.trim() === '' ? NaN : Number(raw);
  const ok =
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (above ? value > min : value >= min) &&
    value <= max;
  if (!ok) {
    const what = integer ? 'a whole number' : 'a number';
    const range = `${above ? 'above' : 'from'} ${min}${max === Infinity ? '' : ` to ${max}`}`;
    usageError(cmd, `--${flag}: expected ${what} ${range}, got '${raw}'`);
  }
  return value;
}
