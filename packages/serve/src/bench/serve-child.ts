// A ganforge server in its own process for the serving benchmark (so the load generator does not
// share the server's event loop). Prints one JSON line {url} when every model is loaded.
import { createServer, type ServeOptions } from '../http/app.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ServeOptions;
const server = createServer({ ...options, logLevel: 'error', watch: false });
await server.loaded;
const { url } = await server.listen(0, '127.0.0.1');
process.stdout.write(
  `${JSON.stringify({ url, models: server.registry.list().map((m) => ({ name: m.name, status: m.status, provider: m.provider })) })}\n`,
);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
