import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `count` processes that each spin one core at normal priority until stopped: other work on the
 * machine, as a training run beside the server would be (`bench-serve.ts --busy N`). Each is its own
 * process, started here and ended by its id.
 */
export interface BusyLoops {
  readonly pids: readonly number[];
  /** SIGKILLs every loop and waits until each has exited. */
  stop(): Promise<void>;
}

export function startBusyLoops(count: number): BusyLoops {
  const children: ChildProcess[] = Array.from({ length: Math.max(0, Math.floor(count)) }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return {
    pids: children.map((c) => c.pid ?? -1),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
