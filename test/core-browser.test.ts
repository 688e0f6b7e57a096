/**
 * The core package runs unchanged in a browser, and the seeded latent sampler gives the same bits
 * there as in Node: the same seed -> the same z on the server and in the page.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '@ganforge/core';
import { chromiumSkipReason, launchChromium } from './support/chromium.ts';

const skip = chromiumSkipReason();
const CORE_ENTRY = fileURLToPath(new URL('../packages/core/src/index.ts', import.meta.url));

type Case = {
  seed: number;
  n: number;
  latentDim: number;
  distribution: core.LatentDistribution;
  truncation?: number;
};

const CASES: Case[] = [
  { seed: 0, n: 4, latentDim: 100, distribution: 'normal' },
  { seed: 42, n: 4, latentDim: 100, distribution: 'normal' },
  { seed: 0, n: 4, latentDim: 100, distribution: 'uniform' },
  { seed: 2 ** 40 + 7, n: 8, latentDim: 128, distribution: 'normal' },
  { seed: 123456789, n: 16, latentDim: 64, distribution: 'normal', truncation: 0.7 },
  { seed: 5, n: 3, latentDim: 10, distribution: 'uniform', truncation: 0.5 },
];

function hex(a: Float32Array | Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe.skipIf(skip)('core in headless Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Bundle the core package for the browser, in memory; the entry exposes it on globalThis.
    const bundle = await build({
      stdin: {
        contents: `import * as core from ${JSON.stringify(CORE_ENTRY)}; globalThis.ganforgeCore = core;`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:/); // nothing Node-only leaks into core
    browser = await launchChromium();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><title>ganforge core</title>');
    await page.addScriptTag({ type: 'module', content: code });
    await page.waitForFunction(() => 'ganforgeCore' in globalThis);
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('runs in the browser engine, not in Node', async () => {
    const ua = await page.evaluate(() => navigator.userAgent);
    expect(ua).toMatch(/HeadlessChrome|Chrome/);
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  });

  it('sampleLatents gives the same Float32Array bytes as Node, for each seed and distribution', async () => {
    const browserHex = await page.evaluate((cases) => {
      const c = (globalThis as unknown as { ganforgeCore: typeof core }).ganforgeCore;
      return cases.map((opts) => {
        const z = c.sampleLatents(opts);
        return Array.from(new Uint8Array(z.buffer), (b) => b.toString(16).padStart(2, '0')).join('');
      });
    }, CASES);
    for (const [i, opts] of CASES.entries()) {
      const nodeZ = core.sampleLatents(opts);
      expect(browserHex[i], JSON.stringify(opts)).toBe(hex(nodeZ));
      expect(browserHex[i]!.length).toBe(opts.n * opts.latentDim * 8);
    }
  });

  it('the raw PRNG streams and the pinned first values agree', async () => {
    const fromBrowser = await page.evaluate(() => {
      const c = (globalThis as unknown as { ganforgeCore: typeof core }).ganforgeCore;
      const out: { u: number[]; f: number[]; g: number[] }[] = [];
      for (const seed of [0, 42, 2 ** 33 + 1, -5]) {
        const u = c.createRng(seed);
        const f = c.createRng(seed);
        const g = c.createRng(seed);
        out.push({
          u: Array.from({ length: 50 }, () => u.nextUint32()),
          f: Array.from({ length: 50 }, () => f.nextFloat()),
          g: Array.from({ length: 2000 }, () => g.nextNormal()),
        });
      }
      return out;
    });
    [0, 42, 2 ** 33 + 1, -5].forEach((seed, i) => {
      const u = core.createRng(seed);
      const f = core.createRng(seed);
      const g = core.createRng(seed);
      expect(fromBrowser[i]!.u).toEqual(Array.from({ length: 50 }, () => u.nextUint32()));
      expect(fromBrowser[i]!.f).toEqual(Array.from({ length: 50 }, () => f.nextFloat()));
      // toEqual on doubles is exact (Object.is per element): bit-identical normals.
      expect(fromBrowser[i]!.g).toEqual(Array.from({ length: 2000 }, () => g.nextNormal()));
    });
    expect(fromBrowser[0]!.u.slice(0, 4)).toEqual([591558436, 2737234123, 107644106, 1338548054]);
    expect(fromBrowser[1]!.g.slice(0, 3)).toEqual([
      2.4742250514884785, -0.6294690465231285, -0.67850977815758,
    ]);
  });

  it('spherical and linear interpolation, shuffles and grids match Node bit for bit', async () => {
    const fromBrowser = await page.evaluate(() => {
      const c = (globalThis as unknown as { ganforgeCore: typeof core }).ganforgeCore;
      const toHex = (a: Float32Array | Uint8Array | Uint32Array) =>
        Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join('');
      const z = c.sampleLatents({ seed: 11, n: 2, latentDim: 100, distribution: 'normal' });
      const images = c.sampleLatents({ seed: 3, n: 5, latentDim: 4 * 4, distribution: 'uniform' });
      return {
        slerp: toHex(c.interpolateLatents(z.subarray(0, 100), z.subarray(100), 9, 'spherical')),
        lerp: toHex(c.interpolateLatents(z.subarray(0, 100), z.subarray(100), 9, 'linear')),
        shuffle: toHex(c.shuffledIndices(1000, c.createRng(77))),
        grid: toHex(
          c.tileGrid({ images, n: 5, height: 4, width: 4, channels: 1, padding: 1, padValue: 255 }).pixels,
        ),
      };
    });
    const z = core.sampleLatents({ seed: 11, n: 2, latentDim: 100, distribution: 'normal' });
    const images = core.sampleLatents({ seed: 3, n: 5, latentDim: 16, distribution: 'uniform' });
    expect(fromBrowser.slerp).toBe(
      hex(core.interpolateLatents(z.subarray(0, 100), z.subarray(100), 9, 'spherical')),
    );
    expect(fromBrowser.lerp).toBe(
      hex(core.interpolateLatents(z.subarray(0, 100), z.subarray(100), 9, 'linear')),
    );
    const order = core.shuffledIndices(1000, core.createRng(77));
    expect(fromBrowser.shuffle).toBe(Buffer.from(order.buffer).toString('hex'));
    expect(fromBrowser.grid).toBe(
      hex(
        core.tileGrid({ images, n: 5, height: 4, width: 4, channels: 1, padding: 1, padValue: 255 }).pixels,
      ),
    );
  });

  it('parses model cards and reports the failing field in the browser too', async () => {
    const message = await page.evaluate(() => {
      const c = (globalThis as unknown as { ganforgeCore: typeof core }).ganforgeCore;
      try {
        c.parseModelCard({ name: 'x' });
        return 'accepted';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    let nodeMessage = '';
    try {
      core.parseModelCard({ name: 'x' });
    } catch (e) {
      nodeMessage = `${(e as Error).name}: ${(e as Error).message}`;
    }
    expect(message).toBe(nodeMessage);
    expect(message).toMatch(
      /^GanforgeError: model card field 'network' is missing \(expected "generator" or "discriminator"\); \d+ more problems$/,
    );
  });
});
