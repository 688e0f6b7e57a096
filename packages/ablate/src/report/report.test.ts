import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import {
  ABLATION_METRICS,
  type AblationMetric,
  type AblationResult,
  type RunEventSummary,
  type RunResult,
  type Stat,
  type VariantSummary,
} from '../types.ts';
import sharp from 'sharp';
import { gridsMontage, labelWidth, writeAblationFigures } from './figures.ts';
import { renderAblationHtml } from './html.ts';
import { codeSpan, mdText, renderAblationMarkdown } from './markdown.ts';
import { ablationTable, comparisonTable, formatEventCounts, formatStat } from './table.ts';
import { readInside, writeAblationReport } from './write-report.ts';

/** A real (tiny) RGB PNG: signature, IHDR, one zlib IDAT of filter-0 scanlines, IEND. */
function tinyPng(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const row = Buffer.from([0, ...Array.from({ length: width }, () => rgb).flat()]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function stat(values: readonly number[]): Stat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean, std, min: Math.min(...values), max: Math.max(...values), n };
}

type Metrics = Record<AblationMetric, number>;

/** Final metrics per variant and seed; the step-100 evaluation is a worse copy. */
const FINAL: Record<string, [Metrics, Metrics]> = {
  baseline: [
    { frechetDistance: 40, classifierScore: 5.0, classCoverage: 8, recall: 0.5 },
    { frechetDistance: 44, classifierScore: 5.5, classCoverage: 9, recall: 0.6 },
  ],
  r1: [
    { frechetDistance: 30, classifierScore: 4.0, classCoverage: 9, recall: 0.5 },
    { frechetDistance: 31, classifierScore: 4.2, classCoverage: 10, recall: 0.6 },
  ],
};
const SEEDS = [1, 2];
const STEPS = [100, 200];

const EVENT_MESSAGE = 'G collapsed to <one mode> & "stuck"';
const EVENTS: Record<string, RunEventSummary[]> = {
  'baseline--seed-1': [
    { step: 100, detector: 'modeCollapse', severity: 'warning', message: EVENT_MESSAGE },
    { step: 200, detector: 'modeCollapse', severity: 'critical', message: 'still collapsed' },
  ],
  'baseline--seed-2': [
    { step: 150, detector: 'discriminatorOverpowering', severity: 'warning', message: 'D wins' },
  ],
};

/** The events above, summed per variant and detector (as VariantSummary.events). */
const VARIANT_EVENTS: Record<string, Record<string, number>> = {
  baseline: { discriminatorOverpowering: 1, modeCollapse: 2 },
  r1: {},
};

function evaluationAt(metrics: Metrics, step: number): Metrics {
  if (step === 200) return metrics;
  return {
    frechetDistance: metrics.frechetDistance * 2,
    classifierScore: metrics.classifierScore / 2,
    classCoverage: metrics.classCoverage / 2,
    recall: metrics.recall / 2,
  };
}

function buildResult(): AblationResult {
  const variants = Object.keys(FINAL);
  const runs: RunResult[] = variants.flatMap((variant) =>
    SEEDS.map((seed, i) => {
      const id = `${variant}--seed-${seed}`;
      return {
        id,
        variant,
        seed,
        status: 'completed' as const,
        runDir: `runs/${id}`,
        evaluations: STEPS.map((step) => ({
          step,
          metrics: evaluationAt((FINAL[variant] as [Metrics, Metrics])[i] as Metrics, step),
        })),
        events: EVENTS[id] ?? [],
        // r1--seed-2's grid is never written: it is left out of the page.
        finalGrid: `runs/${id}/samples/step-000200.png`,
        trainSeconds: 12.5,
      };
    }),
  );
  const statsAt = (variant: string, step: number): Record<AblationMetric, Stat> => {
    const out = {} as Record<AblationMetric, Stat>;
    for (const m of ABLATION_METRICS) {
      out[m] = stat(
        runs
          .filter((r) => r.variant === variant)
          .map((r) => r.evaluations.find((e) => e.step === step)?.metrics[m] ?? Number.NaN),
      );
    }
    return out;
  };
  const summaries: VariantSummary[] = variants.map((name) => ({
    name,
    final: statsAt(name, 200),
    curve: STEPS.map((step) => ({ step, stats: statsAt(name, step) })),
    events: VARIANT_EVENTS[name] ?? {},
    completedRuns: 2,
  }));
  return {
    plan: {
      suite: {
        name: 'r1 <penalty> & co',
        description: 'Does R1 help a small DCGAN?',
        claim: 'R1 regularization makes GAN training "locally convergent".',
        source: 'Mescheder et al. 2018, Which Training Methods for GANs do actually Converge?',
        file: 'suites/r1.yaml',
      },
      variants: [
        { name: 'baseline', description: 'no penalty', set: [] },
        { name: 'r1', description: 'R1 gamma 10', set: ['loss.r1Gamma=10'] },
      ],
      seeds: SEEDS,
      budget: { steps: 200 },
      evaluation: { samples: 500, seed: 7, every: 100 },
      runs: runs.map((r, index) => ({
        index,
        id: r.id,
        variant: r.variant,
        seed: r.seed,
        config: { seed: r.seed, steps: 200 },
        evalSteps: STEPS,
      })),
    },
    runs,
    variants: summaries,
    versions: { ganforge: '0.1.0', node: 'v20.20.2' },
    machine: { platform: 'linux', arch: 'x64', cpus: 16, cpuModel: 'Test CPU', memoryGiB: 128 },
    command: 'ganforge ablate suites/r1.yaml --out ablations/r1',
    createdAt: '2026-12-02T00:00:00.000Z',
  };
}

const result = buildResult();
const PNG = tinyPng(3, 2, [200, 30, 90]);
const tmp = mkdtempSync(join(tmpdir(), 'ablate-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeGrids(outDir: string): void {
  for (const r of result.runs) {
    if (r.id === 'r1--seed-2' || !r.finalGrid) continue;
    const file = join(outDir, r.finalGrid);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, PNG);
  }
}

test('the test PNG is a valid PNG (IHDR size, inflatable IDAT)', () => {
  expect(PNG.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(PNG.readUInt32BE(16)).toBe(3);
  expect(PNG.readUInt32BE(20)).toBe(2);
  const idatLength = PNG.readUInt32BE(33);
  expect(inflateSync(PNG.subarray(41, 41 + idatLength))).toHaveLength(2 * (1 + 3 * 3));
});

describe('renderAblationMarkdown', () => {
  const md = renderAblationMarkdown(result);
  const rowOf = (variant: string): string => {
    const line = md.split('\n').find((l) => l.startsWith(`| ${variant} |`));
    if (!line) throw new Error(`no row for ${variant}`);
    return line;
  };

  test('suite, claim, source, budget, seeds and protocol', () => {
    // Literal text: the <penalty> is not raw HTML to a Markdown renderer.
    expect(md).toContain('## Ablation: r1 \\<penalty\\> & co\n');
    expect(md).toContain('**Claim:** R1 regularization makes GAN training "locally convergent".');
    expect(md).toContain('**Source:** Mescheder et al. 2018');
    expect(md).toContain('- Budget: 200 steps per run');
    expect(md).toContain('- Seeds: 1, 2 (2 per variant)');
    expect(md).toContain(
      '500 generated vs 500 real test images, latent seed 7, every 100 steps and at the end',
    );
    expect(md).toContain('`ganforge ablate suites/r1.yaml --out ablations/r1`');
  });

  test('one row per variant: mean ± std (min–max) per metric, best mean in bold, runs and events', () => {
    const header = md.split('\n').find((l) => l.startsWith('| variant |'));
    expect(header?.split('|').length).toBe(ABLATION_METRICS.length + 5);
    const firstTable = md.slice(0, md.indexOf('Final evaluation'));
    expect(firstTable.split('\n').filter((l) => /^\| (baseline|r1) \|/.test(l))).toHaveLength(2);
    // std of 40, 44 is sqrt(8) = 2.83; FD lower is better so r1 (30.5) is bold.
    expect(rowOf('baseline')).toBe(
      '| baseline | 42.0 ± 2.8 (40.0–44.0) | **5.25 ± 0.35 (5.00–5.50)** | 8.5 ± 0.7 (8.0–9.0) | **0.550 ± 0.071 (0.500–0.600)** | 2/2 | modeCollapse 2, discriminatorOverpowering 1 |',
    );
    expect(rowOf('r1')).toBe(
      '| r1 | **30.5 ± 0.7 (30.0–31.0)** | 4.10 ± 0.14 (4.00–4.20) | **9.5 ± 0.7 (9.0–10.0)** | **0.550 ± 0.071 (0.500–0.600)** | 2/2 | none |',
    );
  });

  test('a variant without completed runs shows – and never wins; one seed drops the ±', () => {
    const broken: VariantSummary = {
      name: 'bro|ken',
      final: undefined,
      curve: [],
      events: { nanLoss: 2 },
      completedRuns: 0,
    };
    const oneSeedFinal = {} as Record<AblationMetric, Stat>;
    for (const m of ABLATION_METRICS) oneSeedFinal[m] = stat([m === 'frechetDistance' ? 1 : 0]);
    // completedRuns 0 hides even a (partial) final: that variant must not take the FD bold.
    const partial: VariantSummary = { ...broken, name: 'partial', final: oneSeedFinal };
    const md2 = renderAblationMarkdown({ ...result, variants: [...result.variants, broken, partial] });
    expect(md2).toContain('| bro\\|ken | – | – | – | – | 0/2 | nanLoss 2 |');
    expect(md2).toContain('| partial | – | – | – | – | 0/2 | nanLoss 2 |');
    expect(md2).toContain('**30.5 ± 0.7 (30.0–31.0)**');
    expect(formatStat('frechetDistance', stat([12.34]))).toBe('12.3 (12.3–12.3)');
  });

  test('helpers: event counts ordered by count, code spans hold backticks', () => {
    expect(formatEventCounts({})).toBe('none');
    expect(formatEventCounts({ a: 1, b: 3, c: 0 })).toBe('b 3, a 1');
    expect(codeSpan('echo `x`')).toBe('`` echo `x` ``');
    expect(codeSpan('plain')).toBe('`plain`');
    expect(mdText('a_b *c* [d](e) <f> | &amp; & g')).toBe('a\\_b \\*c\\* \\[d\\](e) \\<f\\> \\| \\&amp; & g');
    const rows = ablationTable(result);
    expect(rows.map((r) => r.variant)).toEqual(['baseline', 'r1']);
  });
});

describe('renderAblationHtml', () => {
  const outDir = join(tmp, 'html');
  writeGrids(outDir);
  const reads: string[] = [];
  const html = renderAblationHtml(result, (rel) => {
    reads.push(rel);
    return readInside(outDir, rel);
  });

  test('one self-contained page: title, claim, protocol, the table', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>r1 &lt;penalty&gt; &amp; co - ganforge ablation</title>');
    expect(html).toContain('R1 regularization makes GAN training &quot;locally convergent&quot;.');
    expect(html).toContain('every 100 steps and at the end');
    expect(html).toContain('<code id="command">ganforge ablate suites/r1.yaml --out ablations/r1</code>');
    expect(html.match(/<tr class="variant"/g)).toHaveLength(2);
    expect(html).toContain('<strong>30.5 ± 0.7 (30.0–31.0)</strong>');
    expect(html).toContain('42.0 ± 2.8 (40.0–44.0)</td>');
    // No external resources: every src/href is a data: URI or an in-page anchor.
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<link');
  });

  test('a band chart per metric with a band and a line per variant', () => {
    expect(html.match(/<svg /g)).toHaveLength(ABLATION_METRICS.length);
    for (const m of ABLATION_METRICS) {
      const fig = new RegExp(`<figure id="chart-${m}"[^>]*>(<svg[\\s\\S]*?</svg>)</figure>`).exec(html)?.[1];
      expect(fig, m).toBeDefined();
      expect(fig?.match(/<path class="band"/g)).toHaveLength(2);
      expect(fig?.match(/<path class="series" data-series="(baseline|r1)" data-points="2"/g)).toHaveLength(2);
    }
  });

  test("each seed's final grid as a data:image/png, missing ones skipped", () => {
    expect(reads.sort()).toEqual(result.runs.map((r) => r.finalGrid).sort());
    const uris = [...html.matchAll(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)];
    expect(uris).toHaveLength(3);
    for (const u of uris) expect(Buffer.from(u[1] ?? '', 'base64').equals(PNG)).toBe(true);
    expect(html).toContain('data-run="baseline--seed-1"><img');
    expect(html).not.toContain('data-run="r1--seed-2"><img');
  });

  test('per run its detector events, escaped, or "no detector events"', () => {
    expect(html).toContain('G collapsed to &lt;one mode&gt; &amp; &quot;stuck&quot;');
    expect(html).not.toContain(EVENT_MESSAGE);
    expect(html.match(/<tr class="event"/g)).toHaveLength(3);
    expect(html).toContain('<tr class="event" data-step="150" data-detector="discriminatorOverpowering">');
    expect(html.match(/no detector events/g)).toHaveLength(2);
  });
});

test('writeAblationReport writes ablation.json (round-trips), ablation.md and ablation.html atomically', () => {
  const outDir = join(tmp, 'out');
  writeGrids(outDir);
  const written = writeAblationReport(outDir, result);
  expect(written).toEqual({
    json: join(outDir, 'ablation.json'),
    markdown: join(outDir, 'ablation.md'),
    html: join(outDir, 'ablation.html'),
  });
  expect(JSON.parse(readFileSync(written.json, 'utf8'))).toEqual(result);
  expect(readFileSync(written.markdown, 'utf8')).toBe(renderAblationMarkdown(result));
  const html = readFileSync(written.html, 'utf8');
  expect(html.match(/data:image\/png;base64,/g)).toHaveLength(3);
  expect(readdirSync(outDir).sort()).toEqual(['ablation.html', 'ablation.json', 'ablation.md', 'runs']);
  // Written again over the old files: same content, no temporaries left.
  writeAblationReport(outDir, result);
  expect(readdirSync(outDir).sort()).toEqual(['ablation.html', 'ablation.json', 'ablation.md', 'runs']);
  // Grids are read inside the result folder only.
  writeFileSync(join(tmp, 'outside.png'), PNG);
  expect(readInside(outDir, '../outside.png')).toBeUndefined();
  expect(readInside(outDir, 'runs/baseline--seed-1/samples/step-000200.png')?.equals(PNG)).toBe(true);
});

describe('writeAblationFigures', () => {
  test('a chart per metric (SVG) and one montage of the final grids: a row per variant, a column per seed', async () => {
    const out = join(tmp, 'figures-colour');
    writeGrids(out);
    const written = await writeAblationFigures(out, result);
    expect(written.map((f) => f.slice(out.length + 1)).sort()).toEqual(
      [...ABLATION_METRICS.map((m) => `figures/${m}.svg`), 'figures/grids.png'].sort(),
    );
    for (const m of ABLATION_METRICS) {
      const svg = readFileSync(join(out, 'figures', `${m}.svg`), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).toContain('baseline');
    }
    const meta = await sharp(join(out, 'figures', 'grids.png')).metadata();
    // 120 px of names (the least), then 2 seeds of 3 px wide grids with 8 px gaps; a 24 px header, 2 rows of 2 px.
    expect([meta.width, meta.height]).toEqual([120 + 2 * (3 + 8) + 8, 2 * (2 + 8) + 8 + 24]);
    expect(meta.channels).toBe(3);
    // The first grid's pixels, where the montage put them.
    const { data, info } = await sharp(join(out, 'figures', 'grids.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) =>
      Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    expect(at(120 + 8, 24 + 8)).toEqual([200, 30, 90]);
    expect(labelWidth(['t7-4hidden-moments-dropout-bn'])).toBeGreaterThan(9 * 29);
  });

  test('grey grids give a grey montage; no grids, no montage', async () => {
    const out = join(tmp, 'figures-grey');
    writeGrids(out);
    for (const r of result.runs) {
      if (r.finalGrid && r.id !== 'r1--seed-2')
        writeFileSync(join(out, r.finalGrid), tinyPng(3, 2, [90, 90, 90]));
    }
    expect(
      (await sharp((await gridsMontage(result, (rel) => readInside(out, rel)))!).metadata()).channels,
    ).toBe(1);
    expect(await gridsMontage(result, () => undefined)).toBeUndefined();
  });
});

describe('the comparison with the first variant', () => {
  test("difference ± Welch's standard error, t, and a verdict in the metric's direction", () => {
    const rows = comparisonTable(result);
    expect(rows.map((r) => r.variant)).toEqual(['r1']);
    // FD: baseline 40, 44 (mean 42, s² 8); r1 30, 31 (mean 30.5, s² 0.5): −11.5 ± √(8/2 + 0.5/2) = 2.06.
    const fd = rows[0]!.metrics.frechetDistance!;
    expect(fd.text).toBe(`−11.5 ± 2.1 (t −5.6)`);
    expect(fd.verdict).toBe('better');
    // Classifier score: 4.1 vs 5.25 (higher is better): worse.
    expect(rows[0]!.metrics.classifierScore!.verdict).toBe('worse');
    // Recall: the same values: within the noise.
    expect(rows[0]!.metrics.recall!.verdict).toBe('same');
    expect(renderAblationMarkdown(result)).toContain('| r1 | **−11.5 ± 2.1 (t −5.6)** better |');
    // The HTML page has the same table, each cell marked with its verdict.
    const html = renderAblationHtml(result, () => undefined);
    const table = html.slice(html.indexOf('<table class="ablation" id="comparison-table">'));
    expect(table).toContain(
      '<td class="num better" data-metric="frechetDistance" data-verdict="better">−11.5 ± 2.1 (t −5.6) better</td>',
    );
    expect(table).toMatch(/data-metric="classifierScore" data-verdict="worse">[^<]* worse<\/td>/);
    expect(table).toMatch(/data-metric="recall" data-verdict="same">[^<]*\(t [^<]*\)<\/td>/);
  });
});
