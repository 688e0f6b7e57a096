import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A server of the serving benchmark, in its own process. */
export interface BenchServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly provider: string;
  /** SIGTERM, then waits for the process to exit (a profiling child writes its profile first). */
  stop(): Promise<void>;
}

export const GANFORGE_CHILD = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
export const NAIVE_CHILD = fileURLToPath(new URL('./naive-server.ts', import.meta.url));
/** The naive server with a CPU profiler on SIGUSR2 (options `profileOut`, `profileIntervalUs`). */
export const NAIVE_PROFILED_CHILD = fileURLToPath(new URL('./naive-profiled.ts', import.meta.url));

/**
 * Starts `script` (serve-child.ts or naive-server.ts) with `options` as its JSON argument; resolves
 * with the URL it prints once it is listening and every model is loaded.
 */
export function startServer(options: object, script = GANFORGE_CHILD): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData); // later lines are for whoever listens (profiling)
      const info = JSON.parse(buf.slice(0, nl)) as { url: string; models?: { provider?: string }[] };
      resolve({
        child,
        url: info.url,
        provider: info.models?.[0]?.provider ?? 'cpu',
        stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`benchmark server exited with code ${code}`)));
  });
}

/**
 * Starts the CPU profiler of a server started with `profileOut` (signal-profiler.ts: SIGUSR2);
 * resolves once it runs. `stop()` then writes the profile.
 */
export function startProfiling(server: BenchServer): Promise<void> {
  const started = new Promise<void>((resolve) => {
    const onData = (c: Buffer) => {
      if (!c.toString().includes('profiling')) return;
      server.child.stdout!.off('data', onData);
      resolve();
    };
    server.child.stdout!.on('data', onData);
  });
  server.child.kill('SIGUSR2');
  return started;
}
