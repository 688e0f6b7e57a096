import { constants } from 'node:os';

/** The signals that ask a long command to stop: Ctrl-C, and `kill` or a service manager. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export interface StopSignals {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first stop signal received, if any. */
  readonly received: StopSignal | undefined;
  /** Gives the signals back to Node (a signal then ends the process at once). */
  dispose(): void;
}

/** The exit code of a command a signal stopped, as shells report one it killed: 128 + its number. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Turns SIGINT and SIGTERM into an abort, so the command can finish what it is doing (a training step,
 * then a checkpoint) and exit with signalExitCode (130, 143). A second signal exits at once.
 */
export function trapStopSignals(exit: (code: number) => void = (code) => process.exit(code)): StopSignals {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = (): void => {
      if (received !== undefined) {
        exit(signalExitCode(name));
        return;
      }
      received = name;
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
