import { MARGIN, plotFrame } from './plot-frame.ts';
import { chartHead, chartLegend, escapeXml, noDataYet, r1 } from './svg.ts';

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly ChartPoint[];
}

export interface ChartMarker {
  readonly step: number;
  readonly label: string;
  readonly severity: 'warning' | 'critical';
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** Log-scale y axis (values <= 0 are left out). */
  readonly log?: boolean;
  /** Vertical lines at steps, e.g. detector events. */
  readonly markers?: readonly ChartMarker[];
  readonly width?: number;
  readonly height?: number;
  /** At most this many points are drawn per series (min/max per bucket keeps spikes visible). */
  readonly maxPoints?: number;
}

/** Keeps the first/last point and each bucket's min and max (in x order). */
export function downsample(points: readonly ChartPoint[], maxPoints: number): ChartPoint[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = points.length / buckets;
  const out: ChartPoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let lo = slice[0] as ChartPoint;
    let hi = lo;
    for (const p of slice) {
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    if (lo === hi) out.push(lo);
    else if (lo.x < hi.x) out.push(lo, hi);
    else out.push(hi, lo);
  }
  return out;
}

/**
 * A line chart as a standalone SVG string (inline attributes only, so it renders in a page, in an
 * <img> and through sharp to PNG). Each series is one <path class="series" data-series="name">;
 * each marker one <line class="marker" data-step="N"> with a <title> tooltip.
 */
export function lineChart(opts: LineChartOptions): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 240;
  const maxPoints = opts.maxPoints ?? 1200;
  const log = opts.log ?? false;
  const ty = (y: number): number => (log ? Math.log10(y) : y);
  const series = opts.series.map((s) => ({
    ...s,
    points: downsample(
      s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!log || p.y > 0)),
      maxPoints,
    ),
  }));
  const all = series.flatMap((s) => s.points);
  const parts: string[] = [];
  parts.push(...chartHead(width, height, opts.title, MARGIN.left));
  if (all.length === 0) {
    parts.push(noDataYet(width, height));
    return parts.join('');
  }
  const xMin = Math.min(...all.map((p) => p.x));
  let xMax = Math.max(...all.map((p) => p.x));
  if (xMax === xMin) xMax = xMin + 1;
  const {
    parts: grid,
    sx,
    sy,
    plotH,
  } = plotFrame({
    width,
    height,
    xMin,
    xMax,
    yLow: Math.min(...all.map((p) => ty(p.y))),
    yHigh: Math.max(...all.map((p) => ty(p.y))),
    log,
    xLabel: 'step',
  });
  parts.push(...grid);

  // event markers
  for (const m of opts.markers ?? []) {
    if (m.step < xMin || m.step > xMax) continue;
    const x = r1(sx(m.step));
    const color = m.severity === 'critical' ? '#d62728' : '#ff7f0e';
    parts.push(
      `<g class="marker" data-step="${m.step}"><title>${escapeXml(`step ${m.step}: ${m.label}`)}</title>`,
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<path d="M${x} ${MARGIN.top} l-5 -7 h10 z" fill="${color}"/></g>`,
    );
  }

  // series
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(sx(p.x))} ${r1(sy(ty(p.y)))}`).join('');
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" data-points="${s.points.length}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.3" stroke-linejoin="round"/>`,
    );
  }

  parts.push(...chartLegend(series, width, MARGIN));
  parts.push('</svg>');
  return parts.join('');
}
