/**
 * The browser sampler end to end, in headless Chromium: the real server (packages/serve's createServer
 * with mountWeb in front, as `ganforge serve` mounts it), a tiny ONNX generator, the page at `/`, and a
 * page on ANOTHER origin that embeds <gan-sampler> with one script tag. The browser's grid must equal
 * the server's samples.png for the same seed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents, slerp } from '@ganforge/core';
import { createServer, type GanforgeServer } from '@ganforge/serve';
import { writeTinyModel } from '@ganforge/serve/testing';
import { mountWeb } from '@ganforge/web';
import { embeddingPage, startEmbeddingSite, type RunningServer } from '@ganforge/web/testing';
import { maxPixelDiff, samplerPixels, servedImagePixels, type Rgba } from './support/canvas-pixels.ts';
import { chromiumSkipReason, launchChromium } from './support/chromium.ts';
import { recordPageProblems } from './support/page-problems.ts';
import { writeDcganModel } from './support/web-models.ts';

const skip = chromiumSkipReason();
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const MODEL = { latentDim: 16, height: 8, width: 8, channels: 1 as const, weightSeed: 3 };

/** The server's PNG decoded by the browser itself, with no color conversion. */
function maxDiff(a: Rgba, b: Rgba): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  return maxPixelDiff(a, b);
}

/** The parts of a <gan-sampler> element the tests read in the page. */
type SamplerHandle = HTMLElement & {
  latents?: Float32Array;
  lastSample?: { truncation: number | null; seed: number | null };
};

/** Waits until the element has drawn exactly these latents. */
async function waitForLatents(page: Page, selector: string, expected: readonly number[]): Promise<void> {
  await page.waitForFunction(
    ({ sel, want }) => {
      const z = (document.querySelector(sel) as SamplerHandle | null)?.latents;
      return z !== undefined && z.length === want.length && want.every((v, i) => z[i] === v);
    },
    { sel: selector, want: expected },
  );
}

/** Resolves with the detail of the next 'sample' event of the element (installed before acting). */
async function nextSample(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { __nextSample?: Record<string, Promise<unknown>> };
    w.__nextSample ??= {};
    w.__nextSample[sel] = new Promise((resolve) =>
      document
        .querySelector(sel)!
        .addEventListener('sample', (e) => resolve((e as CustomEvent).detail), { once: true }),
    );
  }, selector);
}
async function awaitSample(page: Page, selector: string): Promise<Record<string, unknown>> {
  return page.evaluate(
    (sel) =>
      (window as unknown as { __nextSample: Record<string, Promise<Record<string, unknown>>> }).__nextSample[
        sel
      ]!,
    selector,
  );
}

describe.skipIf(skip)('browser sampler in headless Chromium', () => {
  let modelsDir: string;
  let api: GanforgeServer;
  let sampler: { url: string };
  let site: RunningServer;
  let isolatedSite: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'packages/web/build.mjs')], { stdio: 'pipe' });
    modelsDir = mkdtempSync(join(tmpdir(), 'ganforge-web-'));
    await writeTinyModel(modelsDir, 'tiny', MODEL);
    await writeTinyModel(modelsDir, 'broken', {
      ...MODEL,
      onnxBytes: new TextEncoder().encode('not an onnx file'),
    });
    await writeDcganModel(modelsDir, 'dcgan', { latentDim: 16, base: 8, kernel: 4 });
    // As `ganforge serve` wires it, the API server with mountWeb mounted inside it, but with the model
    // files read from the folder as they are (as any static host would), so the component also meets a
    // corrupt model.onnx; `ganforge serve` itself only hands out files that loaded (test/serve-reliability).
    api = createServer({
      modelsDir,
      watch: false,
      logLevel: 'silent',
      workers: 1,
      intraOpThreads: 1,
      mount: (app) => mountWeb(app, { modelsDir }),
    });
    await api.loaded;
    const listening = await api.listen(0, '127.0.0.1');
    sampler = { url: `${listening.url.replace(/\/$/, '')}/` };
    const body = (markup: string) => embeddingPage(sampler.url, markup);
    site = await startEmbeddingSite({
      '/': body('<gan-sampler id="s" model="tiny" seed="42" n="16"></gan-sampler>'),
      '/missing': body('<gan-sampler id="s" model="no-such-model"></gan-sampler>'),
      '/broken': body('<gan-sampler id="s" model="broken"></gan-sampler>'),
      '/dcgan': body('<gan-sampler id="s" model="dcgan" seed="5" n="9"></gan-sampler>'),
    });
    isolatedSite = await startEmbeddingSite(
      { '/': body('<gan-sampler id="s" model="tiny" seed="42" n="16"></gan-sampler>') },
      { isolated: true },
    );
    browser = await launchChromium();
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await isolatedSite?.close();
    await api?.close();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  it('serves the page cross-origin isolated with a strict CSP, and the wasm as application/wasm', async () => {
    const page = await fetch(sampler.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'|https?:/);

    const embed = await fetch(new URL('embed/gan-sampler.js', sampler.url));
    expect(embed.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(embed.headers.get('access-control-allow-origin')).toBe('*');
    expect(embed.headers.get('cross-origin-resource-policy')).toBe('cross-origin');

    const wasm = await fetch(new URL('ort/ort-wasm-simd-threaded.jsep.wasm', sampler.url), {
      method: 'HEAD',
    });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cross-origin-resource-policy')).toBe('cross-origin');

    const onnx = await fetch(new URL('v1/models/tiny/model.onnx', sampler.url));
    expect(onnx.status).toBe(200);
    expect(onnx.headers.get('access-control-allow-origin')).toBe('*');
    expect((await onnx.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const etag = onnx.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(new URL('v1/models/tiny/model.onnx', sampler.url), {
      headers: { 'If-None-Match': etag! },
    });
    expect(again.status).toBe(304);
    for (const bad of [
      'v1/models/..%2Fetc/model.onnx',
      'v1/models/.hidden/card.json',
      'ort/..%2Fpackage.json',
    ]) {
      const res = await fetch(new URL(bad, sampler.url));
      expect([400, 404]).toContain(res.status);
    }
    expect((await fetch(new URL('v1/models/nope/card.json', sampler.url))).status).toBe(404);
  });

  it('the page draws the grid the server renders for the same seed, and a latent slider changes the sample', async () => {
    const page = await openPage(browser, { viewport: { width: 1000, height: 1100 } });
    const problems = recordPageProblems(page);
    await page.goto(`${sampler.url}?model=tiny`);
    await page.waitForFunction(() => {
      const el = document.querySelector('#grid') as (HTMLElement & { lastSample?: unknown }) | null;
      return el?.lastSample !== undefined;
    });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const detail = (await page.evaluate(
      () =>
        (document.querySelector('#grid') as HTMLElement & { lastSample: Record<string, unknown> }).lastSample,
    )) as { backend: string; threads: number; n: number; seed: number; msPerSample: number };
    expect(detail).toMatchObject({ backend: 'wasm', n: 16, seed: 42 });
    expect(detail.threads).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#runtime')).toMatch(/backend: wasm, \d threads \(cross-origin isolated\)/);

    const browserGrid = await samplerPixels(page, '#grid');
    const serverGrid = await servedImagePixels(page, '/v1/models/tiny/samples.png?seed=42&n=16');
    expect(maxDiff(browserGrid, serverGrid)).toBeLessThanOrEqual(1);
    expect(new Set(browserGrid.data).size).toBeGreaterThan(20); // a real picture, not a blank box

    // Truncation: the grid follows the server's truncated samples for the same seed.
    await page.check('#truncation-on');
    await page.$eval('#truncation', (input) => {
      (input as HTMLInputElement).value = '0.5';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(
      () => (document.querySelector('#grid') as SamplerHandle).lastSample?.truncation === 0.5,
    );
    const truncated = await samplerPixels(page, '#grid');
    const serverTruncated = await servedImagePixels(
      page,
      '/v1/models/tiny/samples.png?seed=42&n=16&truncation=0.5',
    );
    expect(maxDiff(truncated, serverTruncated)).toBeLessThanOrEqual(1);
    expect(maxDiff(truncated, browserGrid)).toBeGreaterThan(1);

    // Latent sliders: sample #3 of the grid is shown alone; moving z[0] redraws it.
    await page.$eval('#pick', (input) => {
      (input as HTMLInputElement).value = '3';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const third = await page.evaluate(() =>
      Array.from((document.querySelector('#grid') as SamplerHandle).latents!.slice(3 * 16, 4 * 16)),
    );
    await waitForLatents(page, '#single', third);
    const before = await samplerPixels(page, '#single');
    const moved = [third[0]! > 0 ? -2.5 : 2.5, ...third.slice(1)];
    await page.$eval(
      '#z-0',
      (input, v) => {
        (input as HTMLInputElement).value = String(v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      },
      moved[0]!,
    );
    await waitForLatents(page, '#single', moved);
    const after = await samplerPixels(page, '#single');
    expect(maxDiff(before, after)).toBeGreaterThan(10);

    // Interpolation: the animation's frame at t is slerp(z(seed 1), z(seed 2), t), the same bits as core
    // computes in Node; t = 0 and t = 1 are the two seeds' samples.
    const endpoint = (seed: number) => sampleLatents({ seed, n: 1, latentDim: 16, distribution: 'normal' });
    const frames: Rgba[] = [];
    for (const t of [0, 0.5, 1]) {
      await page.$eval(
        '#t',
        (input, v) => {
          (input as HTMLInputElement).value = String(v);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        },
        t,
      );
      await waitForLatents(page, '#interp', Array.from(slerp(endpoint(1), endpoint(2), t)));
      frames.push(await samplerPixels(page, '#interp'));
    }
    expect(maxDiff(frames[0]!, frames[1]!)).toBeGreaterThan(0);
    expect(maxDiff(frames[1]!, frames[2]!)).toBeGreaterThan(0);

    // Play animates t between the two seeds.
    await page.click('#play');
    await page.waitForFunction(() => {
      const t = Number((document.querySelector('#t') as HTMLInputElement).value);
      return t > 0.05 && t < 0.95;
    });
    await page.click('#play');
    expect(await page.textContent('#play')).toBe('Play');

    await page.screenshot({ path: join(RESULTS, 'web-sampler-page.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a page on another origin embeds <gan-sampler> with one script tag, single-threaded, pixel-equal to the server', async () => {
    const page = await openPage(browser);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await nextSampleAfterGoto(page, site.url);
    expect(new URL(site.url).origin).not.toBe(new URL(sampler.url).origin);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const detail = (await page.evaluate(
      () =>
        (document.querySelector('#s') as HTMLElement & { lastSample: Record<string, unknown> }).lastSample,
    )) as { backend: string; threads: number; note: string };
    expect(detail.backend).toBe('wasm');
    expect(detail.threads).toBe(1);
    expect(detail.note).toMatch(/single-threaded.*not cross-origin isolated/);
    const status = await page.evaluate(
      () => document.querySelector('#s')!.shadowRoot!.querySelector('.status')!.textContent,
    );
    expect(status).toMatch(/16 samples in .* ms .*wasm · 1 thread/);
    expect(status).toMatch(/single-threaded/);

    const browserGrid = await samplerPixels(page, '#s');
    const serverGrid = await servedImagePixels(
      page,
      new URL('v1/models/tiny/samples.png?seed=42&n=16', sampler.url).href,
    );
    expect(maxDiff(browserGrid, serverGrid)).toBeLessThanOrEqual(1);

    await page.screenshot({ path: join(RESULTS, 'web-sampler-embedded.png') });

    // Properties and methods: another seed redraws; setLatents draws exactly those latents.
    await nextSample(page, '#s');
    await page.evaluate(() => ((document.querySelector('#s') as HTMLElement & { seed: number }).seed = 7));
    const seven = await awaitSample(page, '#s');
    expect(seven).toMatchObject({ seed: 7, n: 16 });
    const sevenPng = await servedImagePixels(
      page,
      new URL('v1/models/tiny/samples.png?seed=7&n=16', sampler.url).href,
    );
    expect(maxDiff(await samplerPixels(page, '#s'), sevenPng)).toBeLessThanOrEqual(1);
    const fromLatents = await page.evaluate(async () => {
      const el = document.querySelector('#s') as HTMLElement & {
        setLatents(z: Float32Array): Promise<{ n: number; seed: number | null }>;
        downloadPng(name?: string): Promise<Blob>;
      };
      const d = await el.setLatents(new Float32Array(2 * 16).fill(0.5));
      const png = await el.downloadPng('test.png');
      const sig = Array.from(new Uint8Array(await png.slice(0, 8).arrayBuffer()));
      return { n: d.n, seed: d.seed, sig };
    });
    expect(fromLatents).toEqual({ n: 2, seed: null, sig: [137, 80, 78, 71, 13, 10, 26, 10] });

    // model as the URL of a model directory; backend="webgpu" where the browser has no adapter falls back to wasm.
    await nextSample(page, '#s');
    await page.evaluate((dir) => {
      const el = document.querySelector('#s')!;
      el.setAttribute('model', dir);
      el.setAttribute('backend', 'webgpu');
    }, new URL('v1/models/tiny', sampler.url).href);
    const viaUrl = (await awaitSample(page, '#s')) as { seed: number; backend: string; note: string };
    expect(viaUrl).toMatchObject({ seed: 7, backend: 'wasm' });
    expect(viaUrl.note).toMatch(/WebGPU is not available in this browser; using wasm/);
    expect(maxDiff(await samplerPixels(page, '#s'), sevenPng)).toBeLessThanOrEqual(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a cross-origin isolated page on another origin gets wasm threads from the embedded component', async () => {
    const page = await openPage(browser);
    await nextSampleAfterGoto(page, isolatedSite.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const detail = (await page.evaluate(
      () =>
        (document.querySelector('#s') as HTMLElement & { lastSample: Record<string, unknown> }).lastSample,
    )) as { backend: string; threads: number; note: string | undefined };
    expect(detail).toMatchObject({ backend: 'wasm', note: undefined });
    expect(detail.threads).toBeGreaterThanOrEqual(2);
    const serverGrid = await servedImagePixels(
      page,
      new URL('v1/models/tiny/samples.png?seed=42&n=16', sampler.url).href,
    );
    expect(maxDiff(await samplerPixels(page, '#s'), serverGrid)).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('an exported DCGAN generator (ConvTranspose, BatchNorm) draws within 1 level of the server', async () => {
    const page = await openPage(browser);
    await nextSampleAfterGoto(page, new URL('dcgan', site.url).href);
    const browserGrid = await samplerPixels(page, '#s');
    const serverGrid = await servedImagePixels(
      page,
      new URL('v1/models/dcgan/samples.png?seed=5&n=9', sampler.url).href,
    );
    expect([browserGrid.width, browserGrid.height]).toEqual([3 * 28 + 4 * 2, 3 * 28 + 4 * 2]);
    expect(maxDiff(browserGrid, serverGrid)).toBeLessThanOrEqual(1);
    expect(new Set(browserGrid.data).size).toBeGreaterThan(50);
    await page.screenshot({ path: join(RESULTS, 'web-sampler-dcgan.png') });
    await page.close();
  });

  it('shows readable errors: a missing model, a model that fails to load, a browser without WebAssembly', async () => {
    const cases: { path: string; noWasm?: boolean; text: RegExp }[] = [
      { path: 'missing', text: /model "no-such-model" not found/ },
      { path: 'broken', text: /model “broken” could not be loaded/ },
      { path: '', noWasm: true, text: /no WebAssembly/ },
    ];
    for (const c of cases) {
      const page = await openPage(browser);
      if (c.noWasm)
        await page.addInitScript(() => delete (globalThis as { WebAssembly?: unknown }).WebAssembly);
      await page.goto(new URL(c.path, site.url).href);
      await page.waitForFunction(() => {
        const box = document.querySelector('#s')?.shadowRoot?.querySelector('.error') as HTMLElement | null;
        return box !== null && !box.hidden && (box.textContent ?? '').length > 0;
      });
      const text = await page.evaluate(
        () => document.querySelector('#s')!.shadowRoot!.querySelector('.error')!.textContent,
      );
      expect(text).toMatch(c.text);
      const layout = await page.evaluate(() => {
        const root = document.querySelector('#s')!.shadowRoot!;
        const box = root.querySelector('.error')!.getBoundingClientRect();
        const canvas = root.querySelector('canvas')!.getBoundingClientRect();
        return { errorShown: box.width > 50 && box.height > 10, canvasArea: canvas.width * canvas.height };
      });
      expect(layout).toEqual({ errorShown: true, canvasArea: 0 }); // the message, not a blank box
      if (c.path === 'missing') await page.screenshot({ path: join(RESULTS, 'web-sampler-error.png') });
      await page.close();
    }
  });
});

/** A fresh page with room for a slow first wasm compile on a loaded CI machine. */
async function openPage(browser: Browser, options?: Parameters<Browser['newPage']>[0]): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(60_000);
  return page;
}

/** Navigates and waits for the first drawn grid of #s; fails with the element's own message if it shows one. */
async function nextSampleAfterGoto(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const el = document.querySelector('#s') as (HTMLElement & { lastSample?: unknown }) | null;
    const error = el?.shadowRoot?.querySelector('.error') as HTMLElement | null | undefined;
    return el?.lastSample !== undefined || (error && !error.hidden);
  });
  const error = await page.evaluate(() => {
    const box = document.querySelector('#s')!.shadowRoot!.querySelector('.error') as HTMLElement;
    return box.hidden ? undefined : box.textContent;
  });
  expect(error).toBeUndefined();
}
