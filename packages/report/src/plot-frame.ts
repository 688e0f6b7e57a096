import { escapeXml, niceTicks, r1, tickLabel } from './svg.ts';

/** The plot area inside a chart, shared by the line and the band chart so they line up in a grid. */
export const MARGIN = { left: 56, right: 12, top: 28, bottom: 30 } as const;

export interface PlotFrameOptions {
  readonly width: number;
  readonly height: number;
  /** The x range drawn (already widened by the caller where it is a single step). */
  readonly xMin: number;
  readonly xMax: number;
  /** The smallest and largest y to show, on the axis's scale (log10 of the value on a log axis). */
  readonly yLow: number;
  readonly yHigh: number;
  readonly log: boolean;
  readonly xLabel: string;
}

export interface PlotFrame {
  /** The grid lines, tick labels, the plot's border and the x label, as SVG elements. */
  readonly parts: readonly string[];
  /** x in data units -> pixels. */
  sx(x: number): number;
  /** y on the axis's scale (log10 of the value on a log axis) -> pixels. */
  sy(y: number): number;
  readonly plotW: number;
  readonly plotH: number;
}

/**
 * The frame of a chart: the y range padded by 5% (a log axis: whole decades), the scales, and the grid
 * with its ticks (a log axis: at most 8 decade lines, labelled with the values).
 */
export function plotFrame(o: PlotFrameOptions): PlotFrame {
  const plotW = o.width - MARGIN.left - MARGIN.right;
  const plotH = o.height - MARGIN.top - MARGIN.bottom;
  let yMin = o.yLow;
  let yMax = o.yHigh;
  if (o.log) {
    yMin = Math.floor(yMin);
    yMax = Math.ceil(yMax);
    if (yMax === yMin) yMax = yMin + 1;
  } else {
    const pad = (yMax - yMin) * 0.05 || Math.abs(yMax) * 0.1 || 1;
    yMin -= pad;
    yMax += pad;
  }
  const sx = (x: number): number => MARGIN.left + ((x - o.xMin) / (o.xMax - o.xMin)) * plotW;
  const sy = (y: number): number => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [];
  const yTicks = o.log
    ? Array.from({ length: yMax - yMin + 1 }, (_, i) => yMin + i).filter(
        (_, i, a) => a.length <= 8 || i % Math.ceil(a.length / 8) === 0,
      )
    : niceTicks(yMin, yMax);
  for (const t of yTicks) {
    const y = r1(sy(t));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${o.width - MARGIN.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 4}" y="${y}" dy="3" text-anchor="end" fill="#555">${escapeXml(o.log ? tickLabel(Math.pow(10, t)) : tickLabel(t))}</text>`,
    );
  }
  for (const t of niceTicks(o.xMin, o.xMax, 6)) {
    const x = r1(sx(t));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${o.height - 14}" text-anchor="middle" fill="#555">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${o.width - MARGIN.right}" y="${o.height - 2}" text-anchor="end" fill="#777">${escapeXml(o.xLabel)}</text>`,
  );
  return { parts, sx, sy, plotW, plotH };
}
