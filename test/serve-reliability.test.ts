/**
 * `ganforge serve` as an operator meets it: hot reload by every kind of file change (in-place write,
 * rename, folder swap, truncation), model files handed to browsers only as they were loaded, and the
 * CORS policy applied to every response, model files and the embeddable bundle included.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type GanforgeServer } from '@ganforge/serve';
import { buildTinyGenerator, rawRequest, waitFor, writeTinyModel } from '@ganforge/serve/testing';
import { DEFAULT_DIST_DIR, mountWeb } from '@ganforge/web';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function start(modelsDir: string, corsOrigins: readonly string[] = ['*']) {
  const server: GanforgeServer = createServer({
    modelsDir,
    watch: true,
    logLevel: 'silent',
    workers: 1,
    intraOpThreads: 1,
    corsOrigins,
    // As the CLI wires it: model files are the bytes the serving version was loaded from.
    mount: (app) => mountWeb(app, { modelFiles: (name) => server.registry.get(name)?.files, corsOrigins }),
  });
  await server.loaded;
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port };
}

describe('hot reload never goes deaf, and a bad file never reaches clients', () => {
  let root: string;
  let models: string;
  let server: GanforgeServer;
  let port: number;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ganforge-reload-'));
    models = join(root, 'models');
    await writeTinyModel(models, 'a', { weightSeed: 1 });
    ({ server, port } = await start(models));
  });
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  const view = async () => (await rawRequest(port, 'GET', '/v1/models/a')).json();
  const generation = async (g: number, what: string) =>
    waitFor(async () => (await view()).generation === g && (await view()).error === undefined, 15_000, what);
  const served = async () => (await rawRequest(port, 'GET', '/v1/models/a/model.onnx')).body;
  const onnxPath = () => join(models, 'a', 'model.onnx');

  it('sees in-place writes after a replace-by-rename and after a folder swap', async () => {
    // Replace by rename (what an atomic deploy does): the watched inode is gone afterwards.
    await writeTinyModel(models, 'a', { weightSeed: 2 });
    await generation(2, 'the renamed-in file');
    // Then an in-place write (cp over the file): Node 20's recursive watcher alone never reports it.
    const three = buildTinyGenerator({ weightSeed: 3 });
    await writeFile(onnxPath(), three);
    await generation(3, 'the in-place write after a rename');
    expect(sha(await served())).toBe(sha(three));
    // Swap the whole folder, then write in place into the new one.
    await writeTinyModel(join(root, 'staging'), 'a', { weightSeed: 4 });
    await rename(join(models, 'a'), join(root, 'old-a'));
    await rename(join(root, 'staging', 'a'), join(models, 'a'));
    await generation(4, 'the swapped-in folder');
    const five = buildTinyGenerator({ weightSeed: 5 });
    await writeFile(onnxPath(), five);
    await generation(5, 'the in-place write after a folder swap');
    expect(sha(await served())).toBe(sha(five));
  });

  it('keeps serving, and handing out, the last good version when the file on disk is truncated', async () => {
    const good = await readFile(onnxPath());
    await writeFile(onnxPath(), good.subarray(0, 100));
    await waitFor(async () => (await view()).error !== undefined, 15_000, 'the failed reload');
    const v = await view();
    expect(v).toMatchObject({ status: 'ready', generation: 5, error: { code: 'model_load_failed' } });
    // Browsers still get the bytes that loaded, not the truncated file.
    const bytes = await served();
    expect(bytes.length).toBe(good.length);
    expect(sha(bytes)).toBe(sha(good));
    expect((await rawRequest(port, 'GET', '/v1/models/a/card.json')).json().name).toBe('a');
    const r = await rawRequest(port, 'POST', '/v1/models/a/samples', { n: 2, seed: 1, format: 'npy' });
    expect(r.status).toBe(200);
    // Still ready (the previous version serves), with the failure in the body and no server path.
    const ready = await rawRequest(port, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json().models[0].error.code).toBe('model_load_failed');
    expect(ready.body.toString()).not.toContain(root);
    // A good file written in place afterwards is picked up.
    const six = buildTinyGenerator({ weightSeed: 6 });
    await writeFile(onnxPath(), six);
    await generation(6, 'the repaired file');
    expect(sha(await served())).toBe(sha(six));
  });
});

describe('CORS policy on every response', () => {
  let root: string;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_DIST_DIR, 'embed', 'gan-sampler.js')))
      execFileSync(process.execPath, [join(ROOT, 'packages/web/build.mjs')], { stdio: 'pipe' });
    root = await mkdtemp(join(tmpdir(), 'ganforge-cors-'));
    await writeTinyModel(join(root, 'models'), 'a');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const paths = [
    ['GET', '/v1/models/a/model.onnx'],
    ['GET', '/v1/models/a/card.json'],
    ['GET', '/embed/gan-sampler.js'],
    ['GET', '/v1/models/a/samples.png?n=1'],
    ['POST', '/v1/models/a/samples'],
  ] as const;
  const fetchAll = (port: number, origin: string) =>
    Promise.all(
      paths.map(([method, path]) =>
        rawRequest(port, method, path, method === 'POST' ? { n: 1 } : undefined, { origin }),
      ),
    );

  it('a named origin: that origin is allowed, others get no Access-Control-Allow-Origin', async () => {
    const { server, port } = await start(join(root, 'models'), ['https://example.com']);
    try {
      for (const r of await fetchAll(port, 'https://evil.example')) {
        expect(r.status).toBe(200);
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
      }
      for (const r of await fetchAll(port, 'https://example.com'))
        expect(r.headers['access-control-allow-origin']).toBe('https://example.com');
    } finally {
      await server.close();
    }
  });

  it('CORS off: no Access-Control-Allow-Origin at all; default: any origin', async () => {
    const off = await start(join(root, 'models'), []);
    try {
      for (const r of await fetchAll(off.port, 'https://example.com')) {
        expect(r.status).toBe(200);
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
      }
    } finally {
      await off.server.close();
    }
    const any = await start(join(root, 'models'));
    try {
      for (const r of await fetchAll(any.port, 'https://example.com'))
        expect(r.headers['access-control-allow-origin']).toBe('*');
    } finally {
      await any.server.close();
    }
  });
});
