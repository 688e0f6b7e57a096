import { MARGIN, plotFrame } from './plot-frame.ts';
import { chartHead, chartLegend, escapeXml, noDataYet, r1, tickLabel } from './svg.ts';

/** One point of a band series: the line goes through y, the band spans lo..hi (e.g. min..max over seeds). */
export interface BandPoint {
  readonly x: number;
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
}

export interface BandSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly BandPoint[];
}

export interface BandChartOptions {
  readonly title: string;
  readonly series: readonly BandSeries[];
  readonly width?: number;
  readonly height?: number;
  /** Log-scale y axis (points with y <= 0 are left out; a band edge <= 0 is clipped to y). */
  readonly log?: boolean;
  /** The x axis label; default 'step'. */
  readonly xLabel?: string;
}

/**
 * Several series, each a mean line with a shaded band (lo..hi per point), as a standalone SVG string
 * in lineChart's style. Per series: one <path class="band" data-series="name"> (the upper edge left to
 * right, then the lower edge back), one <path class="series" data-series="name"> through the y values
 * and a <circle class="point"> per point (so a single evaluation still shows).
 */
export function bandChart(opts: BandChartOptions): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 240;
  const log = opts.log ?? false;
  const ty = (v: number): number => (log ? Math.log10(v) : v);
  const series = opts.series.map((s) => ({
    ...s,
    points: s.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!log || p.y > 0))
      .map((p) => {
        const lo = Number.isFinite(p.lo) && (!log || p.lo > 0) ? Math.min(p.lo, p.y) : p.y;
        const hi = Number.isFinite(p.hi) && (!log || p.hi > 0) ? Math.max(p.hi, p.y) : p.y;
        return { x: p.x, y: p.y, lo, hi };
      })
      .sort((a, b) => a.x - b.x),
  }));
  const all = series.flatMap((s) => s.points);
  const parts: string[] = [];
  parts.push(...chartHead(width, height, opts.title, MARGIN.left));
  if (all.length === 0) {
    parts.push(noDataYet(width, height));
    return parts.join('');
  }
  let xMin = Math.min(...all.map((p) => p.x));
  let xMax = Math.max(...all.map((p) => p.x));
  if (xMax === xMin) {
    // One step only: centre it.
    xMin -= 1;
    xMax += 1;
  }
  const frame = plotFrame({
    width,
    height,
    xMin,
    xMax,
    yLow: Math.min(...all.map((p) => ty(p.lo))),
    yHigh: Math.max(...all.map((p) => ty(p.hi))),
    log,
    xLabel: opts.xLabel ?? 'step',
  });
  const sx = frame.sx;
  const sy = (v: number): number => frame.sy(ty(v));
  parts.push(...frame.parts);

  // bands first (under every line), then lines and points
  for (const s of series) {
    if (s.points.length === 0) continue;
    const upper = s.points.map((p) => `${r1(sx(p.x))} ${r1(sy(p.hi))}`);
    const lower = s.points.map((p) => `${r1(sx(p.x))} ${r1(sy(p.lo))}`).reverse();
    // A single point: a thin vertical bar of lo..hi.
    const d =
      s.points.length === 1
        ? (() => {
            const p = s.points[0] as BandPoint;
            const x = sx(p.x);
            return `M${r1(x - 3)} ${r1(sy(p.hi))}L${r1(x + 3)} ${r1(sy(p.hi))}L${r1(x + 3)} ${r1(sy(p.lo))}L${r1(x - 3)} ${r1(sy(p.lo))}Z`;
          })()
        : `M${[...upper, ...lower].join('L')}Z`;
    parts.push(
      `<path class="band" data-series="${escapeXml(s.name)}" d="${d}" fill="${escapeXml(s.color)}" fill-opacity="0.18" stroke="none"/>`,
    );
  }
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(sx(p.x))} ${r1(sy(p.y))}`).join('');
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" data-points="${s.points.length}" d="${d}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.5" stroke-linejoin="round"/>`,
      ...s.points.map(
        (p) =>
          `<circle class="point" cx="${r1(sx(p.x))}" cy="${r1(sy(p.y))}" r="2.5" fill="${escapeXml(s.color)}"><title>${escapeXml(
            `${s.name} @ ${p.x}: ${tickLabel(p.y)} (${tickLabel(p.lo)}..${tickLabel(p.hi)})`,
          )}</title></circle>`,
      ),
    );
  }

  parts.push(...chartLegend(series, width, MARGIN));
  parts.push('</svg>');
  return parts.join('');
}
