/**
 * Class-conditional generation across packages: a tiny conditional MLP GAN trained by @ganforge/train on
 * MNIST, exported by `ganforge export` (parity in onnxruntime-node and -web is part of the export), its
 * model.onnx run in onnxruntime-node with a class input, served by class by the real server, and its Triton
 * configuration. (The browser drawing what the server serves for a class: test/web-conditional-sampler.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as ort from 'onnxruntime-node';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { parseConfigPbtxt } from '@ganforge/export';
import { main } from '@ganforge/cli';
import { createServer } from '@ganforge/serve';
import { parseTrainConfig, train } from '@ganforge/train';
import { TINY_CONDITIONAL_MLP } from '@ganforge/train/testing';

let root: string;
let runDir = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ganforge-conditional-'));
  const config = parseTrainConfig(TINY_CONDITIONAL_MLP);
  const result = await train({ config, out: root });
  runDir = result.runDir;
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a class-conditional generator from training to onnxruntime', () => {
  it('exports with a class input and the class names in its card, and the class changes the image', async () => {
    const out = join(root, 'models', 'tiny-cmlp');
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(
      (s: string | Uint8Array) => ((stderr += String(s)), true),
    );
    const code = await main(['node', 'ganforge', 'export', runDir, '--out', out]);
    vi.restoreAllMocks();
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const card = parseModelCard(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')));
    expect(card.conditioning?.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    const session = await ort.InferenceSession.create(join(out, 'model.onnx'));
    expect(session.inputNames).toEqual(['latent', 'class']);
    const z = sampleLatents({
      seed: 1,
      n: 1,
      latentDim: card.latent.size,
      distribution: card.latent.distribution,
    });
    const twice = new Float32Array([...z, ...z]);
    const run = async (classes: number[]) =>
      (
        await session.run({
          latent: new ort.Tensor('float32', twice, [2, card.latent.size]),
          class: new ort.Tensor('int64', BigInt64Array.from(classes.map(BigInt)), [2]),
        })
      )[session.outputNames[0]!]!.data as Float32Array;
    const sameClass = await run([7, 7]);
    const half = sameClass.length / 2;
    expect(Array.from(sameClass.subarray(0, half))).toEqual(Array.from(sameClass.subarray(half)));
    const twoClasses = await run([3, 7]);
    expect(Array.from(twoClasses.subarray(half))).toEqual(Array.from(sameClass.subarray(half)));
    expect(Array.from(twoClasses.subarray(0, half))).not.toEqual(Array.from(twoClasses.subarray(half)));
    await session.release();
  });

  it('the server answers by class what onnxruntime-node computes for the same latents and classes', async () => {
    const out = join(root, 'models', 'tiny-cmlp'); // exported by the first test
    const card = parseModelCard(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')));
    const server = createServer({
      modelsDir: join(root, 'models'),
      watch: false,
      logLevel: 'silent',
      workers: 1,
      intraOpThreads: 1,
    });
    const session = await ort.InferenceSession.create(join(out, 'model.onnx'));
    try {
      await server.loaded;
      const { url } = await server.listen(0, '127.0.0.1');
      const classes = [7, 0, 7];
      const res = await fetch(new URL('/v1/models/tiny-cmlp/samples', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 3, seed: 5, classes, format: 'json' }),
      });
      expect(res.status).toBe(200);
      const served = ((await res.json()) as { images: number[][] }).images.flat();
      const z = sampleLatents({
        seed: 5,
        n: 3,
        latentDim: card.latent.size,
        distribution: card.latent.distribution,
      });
      const expected = (
        await session.run({
          latent: new ort.Tensor('float32', z, [3, card.latent.size]),
          class: new ort.Tensor('int64', BigInt64Array.from(classes.map(BigInt)), [3]),
        })
      )[session.outputNames[0]!]!.data as Float32Array;
      expect(served).toHaveLength(expected.length);
      expect(Math.max(...served.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-5);
      // A class the model does not have: a 400 that lists its classes.
      const bad = await fetch(new URL('/v1/models/tiny-cmlp/samples.png?class=10', url));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
        'this model\'s classes are 0 "0", 1 "1"',
      );
    } finally {
      await session.release();
      await server.close();
    }
  });

  it("renders the run's report with a latent walk through every class", async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const out = join(root, 'report');
    const code = await main(['node', 'ganforge', 'report', runDir, '--out', out, '--walk-frames', '3']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('latent walk');
  });

  it("writes the class input into a Triton repository as Triton's batched scalar (dims [1], reshape [])", async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const repo = join(root, 'triton');
    const code = await main(['node', 'ganforge', 'triton', join(root, 'models'), '--out', repo]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const config = parseConfigPbtxt(readFileSync(join(repo, 'tiny-cmlp', 'config.pbtxt'), 'utf8'));
    expect(config['input']).toEqual([
      { name: 'latent', data_type: 'TYPE_FP32', dims: [100] },
      { name: 'class', data_type: 'TYPE_INT64', dims: [1], reshape: {} },
    ]);
  });
});
