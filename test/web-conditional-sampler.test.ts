/**
 * Class-conditional sampling in headless Chromium: a real conditional generator (trained and exported
 * here, support/web-conditional-model.ts) and the shipped unconditional one, served by mountWeb (the
 * page, the component, the model files) with a stand-in for the server's `/v1/models` list. What the
 * browser draws must be what onnxruntime-node computes from the same latents and class ids, within one
 * 8-bit level (the tolerance test/web-sampler.test.ts holds the browser to against the server).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents, tileGrid, toUint8Pixels, type ModelCard } from '@ganforge/core';
import { createServer } from '@ganforge/serve';
import {
  embeddingPage,
  startEmbeddingSite,
  startSamplerServer,
  type RunningServer,
} from '@ganforge/web/testing';
import { maxPixelDiff, samplerPixels, servedImagePixels, type Rgba } from './support/canvas-pixels.ts';
import { chromiumSkipReason, launchChromium } from './support/chromium.ts';
import { recordPageProblems } from './support/page-problems.ts';
import { runInOrtNode, writeConditionalModel } from './support/web-conditional-model.ts';

const skip = chromiumSkipReason();
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The largest difference of a gray canvas's red channel from the grid onnxruntime-node's images tile into. */
function maxDiffFromReference(
  canvas: Rgba,
  images: Float32Array,
  n: number,
  columns?: number,
): { max: number; size: [number, number] } {
  const grid = tileGrid({
    images: toUint8Pixels(images),
    n,
    height: 28,
    width: 28,
    channels: 1,
    ...(columns === undefined ? {} : { columns }),
  });
  expect([canvas.width, canvas.height]).toEqual([grid.width, grid.height]);
  let max = 0;
  for (let i = 0; i < grid.pixels.length; i++)
    max = Math.max(max, Math.abs(canvas.data[4 * i]! - grid.pixels[i]!));
  return { max, size: [grid.width, grid.height] };
}

/** The parts of a <gan-sampler> the tests read and call in the page. */
type Sampler = HTMLElement & {
  lastSample?: { model: string; layout: string; classes: number[] | null; n: number; seed: number | null };
  labels?: number[];
  label: string | null;
  layout: string;
  sample(options?: { labels?: (number | string)[] }): Promise<unknown>;
};

/** Waits until `selector`'s last drawn sample matches `want` (its classes compared as JSON). */
async function waitForSample(page: Page, selector: string, want: Record<string, unknown>): Promise<void> {
  await page.waitForFunction(
    ({ sel, w }) => {
      const d = (document.querySelector(sel) as Sampler | null)?.lastSample as
        Record<string, unknown> | undefined;
      return (
        d !== undefined && Object.entries(w).every(([k, v]) => JSON.stringify(d[k]) === JSON.stringify(v))
      );
    },
    { sel: selector, w: want },
  );
}

describe.skipIf(skip)('class-conditional <gan-sampler> in headless Chromium', () => {
  let modelsDir: string;
  let dir: string;
  let card: ModelCard;
  let server: RunningServer;
  let site: RunningServer;
  let browser: Browser;
  const z = (seed: number, n: number) =>
    sampleLatents({ seed, n, latentDim: card.latent.size, distribution: card.latent.distribution });
  const repeat = <T>(v: T, n: number) => new Array<T>(n).fill(v);

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'packages/web/build.mjs')], { stdio: 'pipe' });
    modelsDir = mkdtempSync(join(tmpdir(), 'ganforge-web-cond-'));
    ({ dir, card } = await writeConditionalModel(modelsDir, 'cmnist'));
    mkdirSync(join(modelsDir, 'mnist-dcgan'));
    for (const f of ['card.json', 'model.onnx'])
      copyFileSync(join(ROOT, 'models/mnist-dcgan', f), join(modelsDir, 'mnist-dcgan', f));
    server = await startSamplerServer({
      modelsDir,
      api: (req, res, next) => {
        if (req.path === '/v1/models') res.json({ models: [{ name: 'cmnist' }, { name: 'mnist-dcgan' }] });
        else next();
      },
    });
    site = await startEmbeddingSite({
      '/': embeddingPage(
        server.url,
        '<gan-sampler id="s" model="cmnist" label="7" seed="42" n="4"></gan-sampler>',
      ),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  it('<gan-sampler label="7"> draws what onnxruntime-node computes for class 7; labels, per-class and a bad class through the API', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(site.url);
    await waitForSample(page, '#s', { seed: 42, n: 4, layout: 'grid', classes: [7, 7, 7, 7] });
    const seven = await samplerPixels(page, '#s');
    expect(
      maxDiffFromReference(seven, await runInOrtNode(dir, z(42, 4), repeat(7, 4)), 4).max,
    ).toBeLessThanOrEqual(1);
    // The class reached the model: class 3's images are far from what is drawn.
    expect(
      maxDiffFromReference(seven, await runInOrtNode(dir, z(42, 4), repeat(3, 4)), 4).max,
    ).toBeGreaterThan(10);
    expect(await page.evaluate(() => (document.querySelector('#s') as Sampler).labels)).toEqual([7, 7, 7, 7]);

    // Per-sample classes through sample({ labels }): indices and names.
    await page.evaluate(() => (document.querySelector('#s') as Sampler).sample({ labels: [3, '9', 0, 7] }));
    await waitForSample(page, '#s', { classes: [3, 9, 0, 7] });
    const mixed = await samplerPixels(page, '#s');
    expect(
      maxDiffFromReference(mixed, await runInOrtNode(dir, z(42, 4), [3, 9, 0, 7]), 4).max,
    ).toBeLessThanOrEqual(1);

    // A class the model does not have: the element says which classes it has and keeps the grid.
    await page.evaluate(() => ((document.querySelector('#s') as Sampler).label = '12'));
    await page.waitForFunction(() => {
      const box = document.querySelector('#s')?.shadowRoot?.querySelector('.error') as HTMLElement | null;
      return box !== null && !box.hidden;
    });
    const error = await page.evaluate(
      () => document.querySelector('#s')!.shadowRoot!.querySelector('.error')!.textContent,
    );
    expect(error).toMatch(/“12” is not a class of model “cmnist”: its classes are 0 “0”, 1 “1”, .*9 “9”/);
    expect(await samplerPixels(page, '#s')).toEqual(mixed);

    // layout="per-class" (properties): 10 rows, the same 4 latents down each column.
    await page.evaluate(() => {
      const el = document.querySelector('#s') as Sampler;
      el.label = null;
      el.layout = 'per-class';
    });
    await waitForSample(page, '#s', { layout: 'per-class', n: 40 });
    const rows = Array.from({ length: 40 }, (_, i) => Math.floor(i / 4));
    const tiled = new Float32Array(40 * card.latent.size);
    for (let r = 0; r < 10; r++) tiled.set(z(42, 4), r * 4 * card.latent.size);
    const perClass = maxDiffFromReference(
      await samplerPixels(page, '#s'),
      await runInOrtNode(dir, tiled, rows),
      40,
      4,
    );
    expect(perClass.max).toBeLessThanOrEqual(1);
    expect(perClass.size).toEqual([4 * 28 + 5 * 2, 10 * 28 + 11 * 2]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the ganforge server answers samples.png?class=7 with the pixels the browser draws for class 7', async () => {
    const api = createServer({ modelsDir, watch: false, logLevel: 'silent', workers: 1, intraOpThreads: 1 });
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    try {
      await api.loaded;
      const { url } = await api.listen(0, '127.0.0.1');
      await page.goto(site.url);
      await waitForSample(page, '#s', { seed: 42, n: 4, layout: 'grid', classes: [7, 7, 7, 7] });
      const drawn = await samplerPixels(page, '#s');
      await page.goto(new URL('/healthz', url).href); // the server's origin, to fetch its images
      const seven = await servedImagePixels(page, '/v1/models/cmnist/samples.png?class=7&seed=42&n=4');
      expect(maxPixelDiff(seven, drawn)).toBeGreaterThanOrEqual(0); // same size
      expect(maxPixelDiff(seven, drawn)).toBeLessThanOrEqual(1);
      // Another class for the same seed is another picture.
      const three = await servedImagePixels(page, '/v1/models/cmnist/samples.png?class=3&seed=42&n=4');
      expect(maxPixelDiff(three, drawn)).toBeGreaterThan(10);
    } finally {
      await page.close();
      await api.close();
    }
  });

  it('the page shows a class picker only for a conditional model: one row per class by default, or the chosen class', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    page.setDefaultTimeout(60_000);
    const problems = recordPageProblems(page);
    await page.goto(`${server.url}?model=cmnist`);
    await waitForSample(page, '#grid', { model: 'cmnist', layout: 'per-class', n: 160 });
    expect(await page.isVisible('#class-picker')).toBe(true);
    const options = await page.$$eval('#class option', (os) => os.map((o) => (o as HTMLOptionElement).text));
    expect(options).toEqual(['all classes (one row per class)', ...card.conditioning!.classes]);
    const tiled = new Float32Array(160 * card.latent.size);
    for (let r = 0; r < 10; r++) tiled.set(z(42, 16), r * 16 * card.latent.size);
    const rows = Array.from({ length: 160 }, (_, i) => Math.floor(i / 16));
    const grid = await samplerPixels(page, '#grid');
    expect(maxDiffFromReference(grid, await runInOrtNode(dir, tiled, rows), 160, 16).max).toBeLessThanOrEqual(
      1,
    );

    await page.selectOption('#class', '7');
    await waitForSample(page, '#grid', { layout: 'grid', n: 16, classes: repeat(7, 16) });
    const seven = await samplerPixels(page, '#grid');
    expect(
      maxDiffFromReference(seven, await runInOrtNode(dir, z(42, 16), repeat(7, 16)), 16).max,
    ).toBeLessThanOrEqual(1);
    await waitForSample(page, '#single', { classes: [7] }); // the latent sliders draw the chosen class too
    await page.screenshot({
      path: join(ROOT, 'test-results', 'web-sampler-conditional.png'),
      fullPage: true,
    });

    await page.selectOption('#model', 'mnist-dcgan');
    await waitForSample(page, '#grid', { model: 'mnist-dcgan', classes: null, layout: 'grid', n: 16 });
    expect(await page.isVisible('#class-picker')).toBe(false);
    const state = await page.evaluate(() => {
      const el = document.querySelector('#grid')!;
      const box = el.shadowRoot!.querySelector('.error') as HTMLElement;
      return {
        label: el.getAttribute('label'),
        layout: el.getAttribute('layout'),
        error: box.hidden ? null : box.textContent,
      };
    });
    expect(state).toEqual({ label: null, layout: null, error: null });
    expect(problems).toEqual([]);
    await page.close();
  });
});
