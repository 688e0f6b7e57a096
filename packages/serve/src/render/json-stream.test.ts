import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JsonEncoder } from './json-encoder.ts';
import { FloatArray, sendJson } from './json-stream.ts';

const encoder = new JsonEncoder(1);
afterAll(() => encoder.close());
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Serves `body` once through sendJson on loopback; returns the bytes, headers and event-loop turns seen meanwhile. */
async function roundTrip(body: Record<string, unknown>) {
  let turns = 0;
  let sending = false;
  const tick = () => {
    if (!sending) return;
    turns++;
    setImmediate(tick);
  };
  server = createServer((_req, res) => {
    sending = true;
    setImmediate(tick);
    void sendJson(res, body, encoder).finally(() => (sending = false));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise<{ text: string; headers: Record<string, unknown>; turns: number }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ text: Buffer.concat(chunks).toString(), headers: res.headers, turns }));
    })
      .on('error', reject)
      .end();
  });
}

function floats(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898 + seed) * 1.7;
  return a;
}

describe('sendJson', () => {
  it('writes exactly what JSON.stringify writes, small bodies in one piece with a length', async () => {
    const data = floats(40, 1);
    data[3] = NaN;
    data[4] = -0;
    data[5] = Infinity;
    const body = { model: 'a', note: 'x"\\\u0000', shape: [4, 10], images: new FloatArray(data, 4) };
    const rows = [0, 1, 2, 3].map((i) => Array.from(data.subarray(i * 10, i * 10 + 10)));
    const r = await roundTrip(body);
    expect(r.text).toBe(JSON.stringify({ ...body, images: rows }));
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.text)));
    expect(r.headers['content-type']).toMatch(/^application\/json/);
  });

  it('streams large bodies encoded on an encoder thread, yielding to the event loop, with the same bytes', async () => {
    const images = floats(256 * 784, 2);
    const latents = floats(256 * 100, 3);
    const flat = floats(70_001, 4);
    const body = {
      id: 'req',
      images: new FloatArray(images, 256),
      latents: new FloatArray(latents, 256),
      outputs: [{ name: 'x', data: new FloatArray(flat) }, { empty: new FloatArray(new Float32Array(0)) }],
    };
    const rows = (a: Float32Array, n: number) =>
      Array.from({ length: n }, (_, i) =>
        Array.from(a.subarray((i * a.length) / n, ((i + 1) * a.length) / n)),
      );
    const r = await roundTrip(body);
    expect(r.text).toBe(
      JSON.stringify({
        id: 'req',
        images: rows(images, 256),
        latents: rows(latents, 256),
        outputs: [{ name: 'x', data: Array.from(flat) }, { empty: [] }],
      }),
    );
    expect(r.headers['transfer-encoding']).toBe('chunked');
    // Other work ran while it was being encoded: it did not hold the event loop for the whole body.
    expect(r.turns).toBeGreaterThan(1);
  });
});
