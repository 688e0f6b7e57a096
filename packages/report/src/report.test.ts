import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { readEvents } from '@ganforge/runs';
import { useFakeRun, writeFakeRun } from '@ganforge/train/testing';
import { chromiumSkipReason, launchChromium } from '../../../test/support/chromium.ts';
import { sampleLatents } from '@ganforge/core';
import { latentLoop } from './latent-walk-frames.ts';
import { lineChart } from './line-chart.ts';
import { writeReport } from './write-report.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const { tmp, runDir } = useFakeRun({ prefix: 'report', name: 'fake-mlp-20261123-190000' });

test('lineChart: one path per series through every point, log scale drops values <= 0, markers at steps', () => {
  const svg = lineChart({
    title: 'T',
    series: [
      { name: 'a', color: '#000', points: [1, 2, 3, 4].map((x) => ({ x, y: x * x })) },
      {
        name: 'b',
        color: '#f00',
        points: [
          { x: 1, y: 0 },
          { x: 2, y: 5 },
        ],
      },
    ],
    log: true,
    markers: [{ step: 3, label: 'x <y>', severity: 'critical' }],
  });
  expect(svg.match(/<path class="series"/g)).toHaveLength(2);
  expect(svg).toMatch(/data-series="a" data-points="4" d="M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){3}"/);
  expect(svg).toMatch(/data-series="b" data-points="1"/);
  expect(svg).toContain('data-step="3"');
  expect(svg).toContain('x &lt;y&gt;');
});

test('latentLoop: a closed path through the waypoints, eased between them', () => {
  const loop = latentLoop({
    latentDim: 3,
    distribution: 'uniform',
    frames: 8,
    walkers: 2,
    waypoints: 4,
    seed: 1,
  });
  const points = sampleLatents({ seed: 1, n: 8, latentDim: 3, distribution: 'uniform' });
  expect(loop).toHaveLength(8);
  // frames 0, 2, 4, 6 sit exactly on walker 0's waypoints 0..3 (and walker 1's 4..7)
  for (let w = 0; w < 4; w++) {
    expect([...(loop[2 * w] as Float32Array).subarray(0, 3)]).toEqual([...points.subarray(w * 3, w * 3 + 3)]);
    expect([...(loop[2 * w] as Float32Array).subarray(3, 6)]).toEqual([
      ...points.subarray((4 + w) * 3, (4 + w) * 3 + 3),
    ]);
  }
  // frame 7 lies between waypoint 3 and back at waypoint 0 (the loop closes)
  const mid = (a: number, b: number): number => (a + b) / 2;
  expect((loop[7] as Float32Array)[0]).toBeCloseTo(mid(points[9] as number, points[0] as number), 5);
});

describe('ganforge report', () => {
  test('writes index.html, chart PNGs and an animated latent walk into <run>/report', async () => {
    // the fake run is honest: its events come from the real detectors
    const events = readEvents(join(runDir, 'events.jsonl'));
    expect(events.map((e) => e.detector)).toEqual(['discriminatorOverpowering']);
    const out = await writeReport({ runDir });
    expect(out.html).toBe(join(runDir, 'report', 'index.html'));
    expect(out.events).toBe(1);
    expect(out.steps).toBe(600);
    const html = readFileSync(out.html, 'utf8');
    expect(html).not.toMatch(/(src|href)="https?:/); // self-contained
    expect(html).toContain('data:image/png;base64,');
    expect(html).toContain('fid');
    for (const id of ['losses', 'd-outputs', 'grad-norms', 'layer-grad-norms', 'controls', 'throughput']) {
      const png = join(runDir, 'report', 'charts', `${id}.png`);
      expect((await sharp(png).metadata()).width).toBe(640);
    }
    const gif = await sharp(join(runDir, 'report', 'latent-walk.gif'), { animated: true }).metadata();
    expect(gif.format).toBe('gif');
    expect(gif.pages).toBe(8);
    expect(readdirTmp(join(runDir))).toEqual([]); // no temp dirs left behind
  });

  test("the run's recorded evaluations (ganforge eval) are one table, a column per checkpoint", async () => {
    const dir = join(tmp, 'evaluated-20261123-190000');
    await writeFakeRun(dir, { steps: 200 });
    mkdirSync(join(dir, 'eval'));
    const protocol = { samples: 1000, seed: 0, k: 5, evaluator: { name: 'mnist', sha256: 'ab'.repeat(32) } };
    for (const [step, fd] of [
      [100, 140.25],
      [200, 69.96],
    ] as const) {
      const result = { metrics: { frechetDistance: fd, classCoverage: 10 }, protocol, source: { step } };
      writeFileSync(join(dir, 'eval', `step-000${step}.json`), JSON.stringify(result));
    }
    const html = readFileSync((await writeReport({ runDir: dir })).html, 'utf8');
    const table = /<table class="evaluation">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    expect(table).toContain('<th>step 100</th><th>step 200</th>');
    expect(table).toContain('<tr><th>frechetDistance</th><td>140.3</td><td>69.96</td></tr>');
    expect(html).toContain('evaluator mnist (abababababab), seed 0, k 5');
    expect(html).toContain('<h3>eval.json</h3>'); // another JSON file is still shown as it is
    expect(html).not.toContain('class="conditional'); // an unconditional run has no per-class table
  });

  test("a class-conditional run's evaluations add a per-class table (accuracy and FD per checkpoint)", async () => {
    const dir = join(tmp, 'conditional-20261123-190000');
    await writeFakeRun(dir, { steps: 200 });
    mkdirSync(join(dir, 'eval'));
    const protocol = { samples: 30, seed: 0, k: 5, conditioning: { classes: 3, draw: 'balanced' } };
    const perClass = (acc: number[]) =>
      ['zero', 'one', '<two>'].map((name, c) => ({
        class: c,
        name,
        samples: 10,
        referenceSamples: 10,
        accuracy: acc[c],
        frechetDistance: 100 + c + 0.123456,
      }));
    const results = [
      [
        100,
        {
          numClasses: 3,
          classDraw: 'balanced',
          accuracy: 0.5,
          meanFrechetDistance: 101.123456,
          perClass: perClass([0.3, 0.5, 0.7]),
        },
      ],
      [
        200,
        {
          numClasses: 3,
          classDraw: 'balanced',
          accuracy: 0.9,
          meanFrechetDistance: 101.123456,
          perClass: perClass([0.8, 0.9, 1]),
        },
      ],
      [300, { numClasses: 3, classDraw: 'balanced', skipped: "evaluator 'x' classifies 10" }],
    ] as const;
    for (const [step, conditional] of results) {
      const result = {
        metrics: { frechetDistance: 50, classCoverage: 3 },
        protocol,
        source: { step },
        conditional,
      };
      writeFileSync(join(dir, 'eval', `step-000${step}.json`), JSON.stringify(result));
    }
    const html = readFileSync((await writeReport({ runDir: dir })).html, 'utf8');
    const table = /<table class="conditional">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    expect(table).toContain(
      '<th>step 100 accuracy</th><th>step 100 FD</th><th>step 200 accuracy</th><th>step 200 FD</th>',
    );
    expect(table.match(/<tr class="class-row"/g)).toHaveLength(3);
    expect(table).toContain(
      '<tr class="class-row" data-class="2"><td>2</td><td>&lt;two&gt;</td><td>0.7</td><td>102.1</td><td>1</td><td>102.1</td></tr>',
    );
    expect(table).toContain(
      '<tr class="class-mean"><th colspan="2">mean over classes</th><td>0.5</td><td>101.1</td><td>0.9</td><td>101.1</td></tr>',
    );
    expect(html).toContain(
      '<li class="conditional-skipped">step 300: conditional metrics skipped, evaluator &#39;x&#39; classifies 10</li>',
    );
    expect(html).toContain('seed 0, k 5, sample i of class i mod 3');
  });

  test('a folder that is not a run is a clear error', async () => {
    const notRun = join(tmp, 'empty');
    mkdirSync(notRun);
    await expect(writeReport({ runDir: notRun })).rejects.toMatchObject({ code: 'not_a_run' });
    await expect(writeReport({ runDir: join(tmp, 'missing') })).rejects.toThrow(/does not exist/);
  });

  const skip = chromiumSkipReason();
  test.skipIf(skip)(
    'renders in headless Chromium with the charts, the event and the images (screenshot)',
    async () => {
      const out = await writeReport({ runDir });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const external: string[] = [];
        page.on('request', (r) => {
          if (!/^(file|data):/.test(r.url())) external.push(r.url());
        });
        await page.goto(pathToFileURL(out.html).href);
        const charts = await page.$$eval('.charts svg', (svgs) =>
          svgs.map((s) => ({
            paths: [...s.querySelectorAll('path.series')].map((p) => ({
              points: Number(p.getAttribute('data-points')),
              segments: (p.getAttribute('d') ?? '').split('L').length,
              length: (p as SVGPathElement).getTotalLength(),
            })),
            markers: s.querySelectorAll('.marker').length,
          })),
        );
        expect(charts).toHaveLength(6);
        for (const c of charts.slice(0, 4)) {
          expect(c.paths.length).toBeGreaterThanOrEqual(2);
          for (const p of c.paths) {
            expect(p.points).toBeGreaterThan(100);
            expect(p.segments).toBe(p.points);
            expect(p.length).toBeGreaterThan(100); // drawn, not a dot
          }
          expect(c.markers).toBe(1); // the overpowering event on the timeline
        }
        expect(await page.locator('tr.event[data-detector="discriminatorOverpowering"]').count()).toBe(1);
        expect(await page.locator('tr.event').first().textContent()).toContain('techniques.instanceNoise');
        const images = await page.$$eval('img', (imgs) =>
          imgs.map((i) => (i as HTMLImageElement).naturalWidth),
        );
        expect(images.length).toBe(8); // 7 sample grids + the latent walk
        expect(images.every((w) => w > 0)).toBe(true);
        expect(external).toEqual([]);
        mkdirSync(join(ROOT, 'test-results'), { recursive: true });
        await page.screenshot({ path: join(ROOT, 'test-results', 'report.png'), fullPage: true });
        expect(existsSync(join(ROOT, 'test-results', 'report.png'))).toBe(true);
      } finally {
        await browser.close();
      }
    },
  );
});

function readdirTmp(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.tmp-'));
}
