import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * CPU-profiles this process's main thread from SIGUSR2 until SIGTERM, and writes the profile
 * (.cpuprofile JSON) to `out` (scripts/bench-serve-profile.ts): only the load, not the start-up, is
 * in it. Prints `profiling` on its own line once the profiler runs. Call it before the server
 * registers its own SIGTERM handler: the profile is stopped and written synchronously (an inspector
 * session on its own thread answers at once) in the first handler, before any handler exits.
 */
export function profileOnSignal(out: string, intervalUs = 250): void {
  let session: Session | undefined;
  process.on('SIGUSR2', () => {
    if (session) return;
    const s = new Session();
    s.connect();
    session = s;
    s.post('Profiler.enable');
    s.post('Profiler.setSamplingInterval', { interval: intervalUs });
    s.post('Profiler.start', () => process.stdout.write('profiling\n'));
  });
  process.on('SIGTERM', () => {
    const s = session;
    if (!s) return;
    session = undefined;
    s.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(out, JSON.stringify(result.profile));
    });
    s.disconnect();
  });
}
