import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeDirAtomic } from '@ganforge/runs';
import { buildCharts } from './chart-set.ts';
import { renderReportHtml, type SampleImage } from './html.ts';
import { encodeAnimation } from './latent-walk.ts';
import { evenlySpaced, loadRunData } from './run-data.ts';

export interface WriteReportOptions {
  readonly runDir: string;
  /** Output folder; default <run>/report. Replaced atomically. */
  readonly outDir?: string | undefined;
  /** Latent-walk frames (PNG paths or buffers); default: the PNGs in <run>/latent-walk/. */
  readonly latentWalkFrames?: readonly (string | Buffer)[] | undefined;
  /** Sample grids shown (evenly spaced over the run). */
  readonly maxSamples?: number | undefined;
}

export interface WrittenReport {
  /** <out>/index.html: self-contained (charts inline SVG, images as data URIs). */
  readonly html: string;
  /** PNG copies of the charts and the latent-walk GIF, beside index.html. */
  readonly files: string[];
  readonly events: number;
  readonly steps: number;
  /** Frames of the latent-walk animation (0 = none). */
  readonly latentWalkFrames: number;
}

function dataUri(mime: string, bytes: Buffer): string {
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

/**
 * `ganforge report <run>`: index.html with loss, D output and gradient-norm curves, the detector
 * events on the timeline, sample grids over time, the evaluation and a latent walk; plus the charts
 * as PNGs (charts/<id>.png) and latent-walk.gif. The folder is written under a temporary name and
 * renamed into place.
 */
export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  const run = loadRunData(options.runDir);
  const outDir = options.outDir ?? join(run.runDir, 'report');
  const charts = buildCharts(run.metrics, run.events);
  const samples: SampleImage[] = evenlySpaced(run.samples, options.maxSamples ?? 12).map((s) => ({
    step: s.step,
    src: dataUri('image/png', readFileSync(s.file)),
  }));
  const frames = options.latentWalkFrames ?? run.latentWalkFrames;
  const walk =
    frames.length > 0 ? await encodeAnimation(frames, { format: 'gif', delayMs: 80, scale: 4 }) : undefined;
  const html = renderReportHtml({
    name: run.name,
    meta: run.meta,
    config: run.config,
    metrics: run.metrics,
    events: run.events,
    rescues: run.rescues,
    charts,
    samples,
    evaluations: run.evaluations,
    latentWalk: walk ? dataUri('image/gif', walk) : undefined,
  });
  const files: string[] = [];
  await writeDirAtomic(outDir, async (tmp) => {
    writeFileSync(join(tmp, 'index.html'), html);
    const chartDir = join(tmp, 'charts');
    mkdirSync(chartDir);
    for (const c of charts) {
      await sharp(Buffer.from(c.svg))
        .png()
        .toFile(join(chartDir, `${c.id}.png`));
      files.push(join(outDir, 'charts', `${c.id}.png`));
    }
    if (walk) {
      writeFileSync(join(tmp, 'latent-walk.gif'), walk);
      files.push(join(outDir, 'latent-walk.gif'));
    }
  });
  return {
    html: join(outDir, 'index.html'),
    files,
    events: run.events.length,
    steps: run.metrics[run.metrics.length - 1]?.step ?? 0,
    latentWalkFrames: walk ? frames.length : 0,
  };
}
