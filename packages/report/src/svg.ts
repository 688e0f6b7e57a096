/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** Round to 1 decimal for compact path data. */
export function r1(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** ~5 "nice" tick values (1, 2, 5 x 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** A tick label: compact, exponent form for tiny or huge values. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

/** Series colours of every chart (matplotlib's tab10), in order. */
export const PALETTE: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** The opening of a chart: the <svg> element, a white background and the title at `left`. */
export function chartHead(width: number, height: number, title: string, left: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
  ];
}

/** The rest of a chart with nothing to draw. */
export function noDataYet(width: number, height: number): string {
  return `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#888">no data yet</text></svg>`;
}

/**
 * A chart's legend: a colour box and the name of each series, in rows from the plot's top left
 * (`margin`), wrapping at the plot's right edge.
 */
export function chartLegend(
  series: readonly { readonly name: string; readonly color: string }[],
  width: number,
  margin: { readonly left: number; readonly right: number; readonly top: number },
): string[] {
  const parts: string[] = [];
  let lx = margin.left + 8;
  let ly = margin.top + 12;
  for (const s of series) {
    const w = 22 + s.name.length * 6.2;
    if (lx + w > width - margin.right && lx > margin.left + 8) {
      lx = margin.left + 8;
      ly += 13;
    }
    parts.push(
      `<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${escapeXml(s.color)}"/>`,
      `<text x="${lx + 14}" y="${ly + 1}" fill="#222">${escapeXml(s.name)}</text>`,
    );
    lx += w;
  }
  return parts;
}
