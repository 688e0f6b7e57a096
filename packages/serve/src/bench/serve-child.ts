// A ganforge server in its own process for the serving benchmark (so the load generator does not
// share the server's event loop). Prints one JSON line {url} when every model is loaded.
// With `profileOut` in its options it CPU-profiles its main thread from SIGUSR2 until SIGTERM and
// writes the profile (.cpuprofile JSON) there before exiting (scripts/bench-serve-profile.ts): only
// the load, not the start-up, is in the profile.
import { createServer, type ServeOptions } from '../http/app.ts';
import { profileOnSignal } from './signal-profiler.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ServeOptions & {
  profileOut?: string;
  profileIntervalUs?: number;
};
const { profileOut, profileIntervalUs, ...serveOptions } = options;
// Before the SIGTERM handler below, so the profile is written before the server closes.
if (profileOut) profileOnSignal(profileOut, profileIntervalUs);
const server = createServer({ ...serveOptions, logLevel: 'error', watch: false });
await server.loaded;
const { url } = await server.listen(0, '127.0.0.1');
process.stdout.write(
  `${JSON.stringify({ url, models: server.registry.list().map((m) => ({ name: m.name, status: m.status, provider: m.provider })) })}\n`,
);

process.on('SIGTERM', () => {
  void (async () => {
    await server.close();
    process.exit(0);
  })();
});
