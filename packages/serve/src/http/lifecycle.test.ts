import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, type TestServer } from '../testing/harness.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import { createServer } from './app.ts';

describe('startup', () => {
  it('is live at once, ready only after every model is loaded and warmed up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ganforge-start-'));
    await writeTinyModel(dir, 'a');
    await writeTinyModel(dir, 'b', { hidden: { width: 1024, layers: 50 } });
    const server = createServer({
      modelsDir: dir,
      logLevel: 'silent',
      watch: false,
      workers: 1,
      intraOpThreads: 1,
    });
    try {
      const { port } = await server.listen(0);
      const early = await rawRequest(port, 'GET', '/readyz');
      expect((await rawRequest(port, 'GET', '/healthz')).status).toBe(200);
      expect(early.status).toBe(503);
      expect(early.json().status).toBe('not_ready');
      await server.loaded;
      const ready = await rawRequest(port, 'GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json().models.map((m: { status: string }) => m.status)).toEqual(['ready', 'ready']);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown', () => {
  let t: TestServer | undefined;
  afterAll(() => t?.close());

  it('finishes requests in flight, then refuses new connections', async () => {
    t = await startTestServer(
      (dir) => writeTinyModel(dir, 'slow', { hidden: { width: 1024, layers: 100 } }).then(() => {}),
      {
        workers: 1,
        intraOpThreads: 1,
        maxN: 256,
      },
    );
    const port = t.port;
    const started = performance.now();
    const inFlight = rawRequest(port, 'POST', '/v1/models/slow/samples', { n: 256, seed: 1, format: 'npy' });
    await new Promise((r) => setTimeout(r, 30));
    const closing = t.server.close();
    expect((await rawRequest(port, 'GET', '/readyz').catch(() => ({ status: 0 }))).status).not.toBe(200);
    const r = await inFlight;
    await closing;
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(128 + 256 * 8 * 8 * 4);
    expect(performance.now() - started).toBeGreaterThan(30);
    await expect(rawRequest(port, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('shutdown with kept-alive connections', () => {
  let t: TestServer | undefined;
  afterAll(() => t?.close());

  /** One request on `agent` (which keeps its connection open between requests). */
  const send = (agent: Agent, port: number, path: string, body?: object) =>
    new Promise<{ status: number; connection: string | undefined; bytes: number }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: payload ? 'POST' : 'GET',
          agent,
          headers: payload ? { 'content-type': 'application/json' } : {},
        },
        (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, bytes }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  it('answers a request on an idle kept-alive connection with 503 + Connection: close, not a reset', async () => {
    t = await startTestServer(
      (dir) => writeTinyModel(dir, 'slow', { hidden: { width: 1024, layers: 100 } }).then(() => {}),
      { workers: 1, intraOpThreads: 1, maxN: 256 },
    );
    const port = t.port;
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const other = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await send(keptAlive, port, '/healthz')).status).toBe(200);
      // A long request in flight on another connection keeps the drain going.
      const inFlight = send(other, port, '/v1/models/slow/samples', { n: 256, seed: 1, format: 'npy' });
      await new Promise((r) => setTimeout(r, 30));
      const closing = t.server.close();
      const late = await send(keptAlive, port, '/healthz');
      expect(late.status).toBe(503);
      expect(late.connection).toBe('close');
      expect(await inFlight).toMatchObject({ status: 200, bytes: 128 + 256 * 8 * 8 * 4 });
      await closing;
    } finally {
      keptAlive.destroy();
      other.destroy();
    }
  });
});
