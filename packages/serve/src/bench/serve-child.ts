// A ganforge server in its own process for the serving benchmark (so the load generator does not
// share the server's event loop). Prints one JSON line {url} when every model is loaded.
// With `profileOut` in its options it CPU-profiles its main thread from SIGUSR2 until SIGTERM and
// writes the profile (.cpuprofile JSON) there before exiting (scripts/bench-serve-profile.ts): only
// the load, not the start-up, is in the profile.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer, type ServeOptions } from '../http/app.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ServeOptions & {
  profileOut?: string;
  profileIntervalUs?: number;
};
const { profileOut, profileIntervalUs, ...serveOptions } = options;
const server = createServer({ ...serveOptions, logLevel: 'error', watch: false });
await server.loaded;
const { url } = await server.listen(0, '127.0.0.1');
process.stdout.write(
  `${JSON.stringify({ url, models: server.registry.list().map((m) => ({ name: m.name, status: m.status, provider: m.provider })) })}\n`,
);

let profiler: Session | undefined;
if (profileOut) {
  process.on('SIGUSR2', () => {
    const s = new Session();
    s.connect();
    profiler = s;
    void (async () => {
      await s.post('Profiler.enable');
      await s.post('Profiler.setSamplingInterval', { interval: profileIntervalUs ?? 250 });
      await s.post('Profiler.start');
      process.stdout.write('profiling\n');
    })();
  });
}

process.on('SIGTERM', () => {
  void (async () => {
    if (profiler && profileOut) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(profileOut, JSON.stringify(profile));
      profiler.disconnect();
    }
    await server.close();
    process.exit(0);
  })();
});
