/**
 * An error meant for a person: what went wrong and how to fix it, in one line.
 * The CLI prints `message` (and `hint`) without a stack trace; the HTTP server maps `status`.
 */
export class GanforgeError extends Error {
  /** Stable machine-readable code, e.g. `dataset_not_found`, `bad_config`. */
  readonly code: string;
  /** What the user can do about it, e.g. "install it with: apt-get install dataset-fashion-mnist". */
  readonly hint: string | undefined;
  /** HTTP status when the error reaches a client (400 unless said otherwise). */
  readonly status: number;
  /**
   * The error is in how a command was called, an option or its value (e.g. a bad `--set`), rather than
   * in an input it names: the CLI exits 2 for it, as for code 'usage', instead of 1.
   */
  readonly usage: boolean;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; status?: number; cause?: unknown; usage?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GanforgeError';
    this.code = code;
    this.hint = options.hint;
    this.status = options.status ?? 400;
    this.usage = options.usage ?? code === 'usage';
  }

  /** One line for a terminal: the message, then the fix. */
  toLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

export function isGanforgeError(e: unknown): e is GanforgeError {
  return e instanceof GanforgeError;
}
