import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@ganforge/runs';
import sharp from 'sharp';
import { ABLATION_METRICS, type AblationResult } from '../types.ts';
import { metricChart } from './html.ts';
import { readInside } from './write-report.ts';

/** Pixels between the grids of the montage. */
const GAP = 8;

/** The width of the montage's column of variant names: room for the longest at 15 px sans-serif. */
export function labelWidth(names: readonly string[]): number {
  return Math.max(120, 20 + 9 * Math.max(0, ...names.map((n) => n.length)));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether every pixel of an image has R = G = B (a grey image stored as RGB, as sample grids are). */
async function isGrey(bytes: Buffer): Promise<boolean> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  if (info.channels < 3) return true;
  for (let i = 0; i < data.length; i += info.channels) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  }
  return true;
}

/**
 * One picture of every run's final sample grid: a row per variant (named on the left), a column per
 * seed; missing grids (unfinished runs) stay blank. Undefined when no run has a grid yet.
 */
export async function gridsMontage(
  result: AblationResult,
  readImage: (relPath: string) => Buffer | undefined,
): Promise<Buffer | undefined> {
  const seeds = result.plan.seeds;
  const cells = await Promise.all(
    result.runs.map(async (r) => {
      const bytes = r.finalGrid === undefined ? undefined : readImage(r.finalGrid);
      if (bytes === undefined) return undefined;
      const meta = await sharp(bytes).metadata();
      return {
        run: r,
        bytes,
        width: meta.width ?? 0,
        height: meta.height ?? 0,
        grey: await isGrey(bytes),
      };
    }),
  );
  const present = cells.filter((c) => c !== undefined);
  if (present.length === 0) return undefined;
  const cw = Math.max(...present.map((c) => c.width));
  const ch = Math.max(...present.map((c) => c.height));
  const variants = result.plan.variants.map((v) => v.name);
  const LABEL_WIDTH = labelWidth(variants);
  const width = LABEL_WIDTH + seeds.length * (cw + GAP) + GAP;
  const height = variants.length * (ch + GAP) + GAP + 24;
  const labels = [
    ...variants.map(
      (name, i) =>
        `<text x="${LABEL_WIDTH - 10}" y="${24 + GAP + i * (ch + GAP) + ch / 2}" text-anchor="end" dominant-baseline="middle">${escapeXml(name)}</text>`,
    ),
    ...seeds.map(
      (seed, j) =>
        `<text x="${LABEL_WIDTH + GAP + j * (cw + GAP) + cw / 2}" y="16" text-anchor="middle">seed ${seed}</text>`,
    ),
  ];
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="15" fill="#222">${labels.join('')}</svg>`,
  );
  const composites = present.map((c) => ({
    input: c.bytes,
    left: LABEL_WIDTH + GAP + seeds.indexOf(c.run.seed) * (cw + GAP),
    top: 24 + GAP + variants.indexOf(c.run.variant) * (ch + GAP),
  }));
  const montage = sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([
    { input: svg, left: 0, top: 0 },
    ...composites,
  ]);
  // Grey samples (MNIST, Fashion-MNIST) stay grey: a third of the bytes.
  const flat = await montage.removeAlpha().png().toBuffer();
  const grey = present.every((c) => c.grey);
  return (grey ? sharp(flat).toColourspace('b-w') : sharp(flat)).png({ compressionLevel: 9 }).toBuffer();
}

/**
 * The pictures of an ablation as files, for pages that cannot hold the HTML report (a README, docs):
 * figures/<metric>.svg (quality vs step, a band per variant) and figures/grids.png (every run's final
 * samples). Returns the paths written.
 */
export async function writeAblationFigures(outDir: string, result: AblationResult): Promise<string[]> {
  const dir = join(outDir, 'figures');
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const metric of ABLATION_METRICS) {
    const file = join(dir, `${metric}.svg`);
    writeFileAtomic(file, `${metricChart(result, metric)}\n`);
    written.push(file);
  }
  const montage = await gridsMontage(result, (rel) => readInside(outDir, rel));
  if (montage !== undefined) {
    const file = join(dir, 'grids.png');
    writeFileAtomic(file, montage);
    written.push(file);
  }
  return written;
}
