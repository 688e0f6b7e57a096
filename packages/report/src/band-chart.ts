import { chartHead, chartLegend, escapeXml, niceTicks, noDataYet, r1, tickLabel } from './svg.ts';

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

/** Same margins as lineChart, so band and line charts line up in a grid. */
const MARGIN = { left: 56, right: 12, top: 28, bottom: 30 };

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
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
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
  let yMin = Math.min(...all.map((p) => ty(p.lo)));
  let yMax = Math.max(...all.map((p) => ty(p.hi)));
  if (log) {
    yMin = Math.floor(yMin);
    yMax = Math.ceil(yMax);
    if (yMax === yMin) yMax = yMin + 1;
  } else {
    const pad = (yMax - yMin) * 0.05 || Math.abs(yMax) * 0.1 || 1;
    yMin -= pad;
    yMax += pad;
  }
  const sx = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (v: number): number => MARGIN.top + plotH - ((ty(v) - yMin) / (yMax - yMin)) * plotH;

  // grid + axes
  const yTicks = log
    ? Array.from({ length: yMax - yMin + 1 }, (_, i) => yMin + i).filter(
        (_, i, a) => a.length <= 8 || i % Math.ceil(a.length / 8) === 0,
      )
    : niceTicks(yMin, yMax);
  for (const t of yTicks) {
    const y = r1(MARGIN.top + plotH - ((t - yMin) / (yMax - yMin)) * plotH);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 4}" y="${y}" dy="3" text-anchor="end" fill="#555">${escapeXml(log ? tickLabel(Math.pow(10, t)) : tickLabel(t))}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 6)) {
    const x = r1(sx(t));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${height - 14}" text-anchor="middle" fill="#555">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${width - MARGIN.right}" y="${height - 2}" text-anchor="end" fill="#777">${escapeXml(opts.xLabel ?? 'step')}</text>`,
  );

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
