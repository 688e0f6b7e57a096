/**
 * Sampling latency of a generator in headless Chromium (onnxruntime-web wasm, through <gan-sampler>)
 * next to onnxruntime-node for the same model.onnx. Used by scripts/bench-web.ts (`pnpm bench`).
 */
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import { parseModelCard } from '@ganforge/core';
import { embeddingPage, startEmbeddingSite, startSamplerServer } from '../testing/web-servers.ts';

export interface WebBenchOptions {
  /** Folder holding `<model>/model.onnx` + `card.json`. */
  readonly modelsDir: string;
  readonly model: string;
  /** Launches the browser (test/support/chromium.ts launchChromium). */
  readonly launch: () => Promise<Browser>;
  readonly batches?: readonly number[];
  /** Timed runs per (runtime, batch), after 3 warm-up runs. */
  readonly reps?: number;
}

export interface LatencyStats {
  readonly median: number;
  readonly p90: number;
  readonly reps: number;
}

export interface WebBenchRow {
  readonly runtime: string;
  readonly threads: number;
  readonly batch: number;
  /** Generator run alone (session.run + reading the output). */
  readonly run: LatencyStats;
  /** Browser only: setLatents end to end (run + tiling + drawing the canvas). */
  readonly draw?: LatencyStats;
}

export interface WebBenchResult {
  readonly model: string;
  readonly shape: string;
  readonly browser: string;
  readonly cpu: string;
  readonly rows: readonly WebBenchRow[];
}

const WARMUP = 3;

export function stats(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p90: at(0.9), reps: s.length };
}

/** Times setLatents on the page's #s element for each batch size; returns run and draw times per batch. */
async function timeInBrowser(
  page: Page,
  batches: readonly number[],
  reps: number,
): Promise<{ threads: number; batch: number; run: number[]; draw: number[] }[]> {
  await page.waitForFunction(
    () => (document.querySelector('#s') as { lastSample?: unknown } | null)?.lastSample,
  );
  return page.evaluate(
    async ({ batches, reps, warmup }) => {
      type El = HTMLElement & {
        latentDim: number;
        setLatents(z: Float32Array): Promise<{ ms: number; threads: number }>;
      };
      const el = document.querySelector('#s') as El;
      const out = [];
      for (const batch of batches) {
        const z = new Float32Array(batch * el.latentDim);
        for (let i = 0; i < z.length; i++) z[i] = Math.random() * 2 - 1;
        const run: number[] = [];
        const draw: number[] = [];
        let threads = 0;
        for (let r = 0; r < warmup + reps; r++) {
          const t0 = performance.now();
          const d = await el.setLatents(z);
          const t1 = performance.now();
          threads = d.threads;
          if (r >= warmup) {
            run.push(d.ms);
            draw.push(t1 - t0);
          }
        }
        out.push({ threads, batch, run, draw });
      }
      return out;
    },
    { batches, reps, warmup: WARMUP },
  );
}

async function timeInNode(
  onnxPath: string,
  latentDim: number,
  inputName: string,
  threads: number,
  batches: readonly number[],
  reps: number,
): Promise<WebBenchRow[]> {
  const session = await ortNode.InferenceSession.create(onnxPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const rows: WebBenchRow[] = [];
  try {
    for (const batch of batches) {
      const z = new Float32Array(batch * latentDim).map(() => Math.random() * 2 - 1);
      const times: number[] = [];
      for (let r = 0; r < WARMUP + reps; r++) {
        const t0 = performance.now();
        const res = await session.run({ [inputName]: new ortNode.Tensor('float32', z, [batch, latentDim]) });
        for (const t of Object.values(res)) void t.data;
        if (r >= WARMUP) times.push(performance.now() - t0);
      }
      rows.push({ runtime: 'onnxruntime-node (CPU)', threads, batch, run: stats(times) });
    }
  } finally {
    await session.release();
  }
  return rows;
}

export async function benchWeb(options: WebBenchOptions): Promise<WebBenchResult> {
  const batches = options.batches ?? [1, 16];
  const reps = options.reps ?? 30;
  const dir = join(options.modelsDir, options.model);
  const card = parseModelCard(JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')));
  const sampler = await startSamplerServer({ modelsDir: options.modelsDir });
  const markup = `<gan-sampler id="s" model="${options.model}" n="1" backend="wasm"></gan-sampler>`;
  const html = embeddingPage(sampler.url, markup);
  // Two embedding pages: one cross-origin isolated (wasm threads), one ordinary (single-threaded).
  const isolatedSite = await startEmbeddingSite({ '/': html }, { isolated: true });
  const plainSite = await startEmbeddingSite({ '/': html });
  const browser = await options.launch();
  const rows: WebBenchRow[] = [];
  try {
    for (const [site, label] of [
      [isolatedSite, 'cross-origin isolated page'],
      [plainSite, 'ordinary page'],
    ] as const) {
      const page = await browser.newPage();
      await page.goto(site.url);
      for (const r of await timeInBrowser(page, batches, reps)) {
        rows.push({
          runtime: `onnxruntime-web wasm (Chromium, ${label})`,
          threads: r.threads,
          batch: r.batch,
          run: stats(r.run),
          draw: stats(r.draw),
        });
      }
      await page.close();
    }
    const browserThreads = rows[0]?.threads ?? 1;
    for (const threads of [...new Set([1, browserThreads])]) {
      rows.push(
        ...(await timeInNode(
          join(dir, 'model.onnx'),
          card.latent.size,
          card.onnx.inputName,
          threads,
          batches,
          reps,
        )),
      );
    }
    const cpuList = cpus();
    return {
      model: options.model,
      shape: `latent ${card.latent.size} -> ${card.output.height}x${card.output.width}x${card.output.channels}`,
      browser: `headless Chromium ${browser.version()}`,
      cpu: `${cpuList.length} x ${cpuList[0]?.model ?? 'unknown CPU'}`,
      rows,
    };
  } finally {
    await browser.close();
    await Promise.all([isolatedSite.close(), plainSite.close(), sampler.close()]);
  }
}

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));

/** The "Browser" section of BENCHMARKS.md. */
export function formatWebBench(r: WebBenchResult, date = new Date()): string {
  const batches = [...new Set(r.rows.map((x) => x.batch))];
  const head = `| runtime | threads | ${batches.map((b) => `batch ${b}: run ms (p90)`).join(' | ')} | ${batches.map((b) => `batch ${b}: draw ms`).join(' | ')} |`;
  const sep = `|${' --- |'.repeat(2 + 2 * batches.length)}`;
  const keys = [...new Set(r.rows.map((x) => `${x.runtime}\u0000${x.threads}`))];
  const lines = keys.map((k) => {
    const [runtime, threads] = k.split('\u0000') as [string, string];
    const of = (b: number) =>
      r.rows.find((x) => x.runtime === runtime && String(x.threads) === threads && x.batch === b);
    const run = batches.map((b) => {
      const x = of(b);
      return x ? `${ms(x.run.median)} (${ms(x.run.p90)})` : '-';
    });
    const draw = batches.map((b) => {
      const d = of(b)?.draw;
      return d ? ms(d.median) : '-';
    });
    return `| ${runtime} | ${threads} | ${run.join(' | ')} | ${draw.join(' | ')} |`;
  });
  const reps = r.rows[0]?.run.reps ?? 0;
  return [
    '## Browser',
    '',
    `Sampling latency of \`${r.model}\` (${r.shape}) in the browser through \`<gan-sampler>\` (onnxruntime-web 1.30, wasm)`,
    `next to onnxruntime-node on the same model.onnx. Median of ${reps} timed runs after 3 warm-up runs, p90 in`,
    `parentheses. "run" = session.run plus reading the output; "draw" = \`setLatents()\` end to end (run, tiling,`,
    `canvas). ${r.browser}; ${r.cpu}; ${date.toISOString().slice(0, 10)}. Reproduce: \`node --import tsx scripts/bench-web.ts\`.`,
    '',
    head,
    sep,
    ...lines,
    '',
  ].join('\n');
}
