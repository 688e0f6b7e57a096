import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { rawRequest, startTestServer, type TestServer } from '../testing/harness.ts';
import { writeTinyConditionalModel } from '../testing/tiny-conditional.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import { sampleGrid } from './sample-grid.ts';

describe('offline sampleGrid (ganforge sample)', () => {
  let dir: string;
  let t: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ganforge-sample-'));
    await writeTinyModel(dir, 'tiny');
    await writeTinyConditionalModel(dir, 'cond');
    t = await startTestServer(
      async (d) => {
        await writeTinyModel(d, 'tiny');
        await writeTinyConditionalModel(d, 'cond');
      },
      { device: 'cpu' },
    );
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the same grid the server returns for the same seed', async () => {
    const out = join(dir, 'grid.png');
    await sampleGrid({ modelDir: join(dir, 'tiny'), seed: 4, n: 6, columns: 3, out });
    const file = await readFile(out);
    const served = await rawRequest(t.port, 'GET', '/v1/models/tiny/samples.png?seed=4&n=6&columns=3');
    const [a, b] = await Promise.all([sharp(file).raw().toBuffer(), sharp(served.body).raw().toBuffer()]);
    expect(a.equals(b)).toBe(true);
    expect((await sharp(file).metadata()).width).toBe(3 * 8 + 4 * 2);
  });

  it("a class-conditional model: the server's default classes (sample i is class i mod K)", async () => {
    const out = join(dir, 'cond.png');
    await sampleGrid({ modelDir: join(dir, 'cond'), seed: 2, n: 5, out });
    const served = await rawRequest(t.port, 'GET', '/v1/models/cond/samples.png?seed=2&n=5');
    const [a, b] = await Promise.all([
      sharp(await readFile(out))
        .raw()
        .toBuffer(),
      sharp(served.body).raw().toBuffer(),
    ]);
    expect(a.equals(b)).toBe(true);
  });

  it('rejects a bad output extension and a missing model directory with a clear error', async () => {
    await expect(
      sampleGrid({ modelDir: join(dir, 'tiny'), seed: 0, n: 1, out: join(dir, 'x.jpg') }),
    ).rejects.toThrow(/\.png, \.webp or \.npy/);
    const missing = sampleGrid({ modelDir: join(dir, 'nope'), seed: 0, n: 1, out: join(dir, 'x.png') });
    await expect(missing).rejects.toBeInstanceOf(GanforgeError);
    await expect(missing).rejects.toThrow(/nope\/card\.json/);
  });
});
