import { expect, test } from 'vitest';
import { bandChart } from './band-chart.ts';

/** The (x, y) vertices of a path's d attribute. */
function vertices(d: string): { x: number; y: number }[] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

function pathD(svg: string, cls: string, name: string): string {
  const m = new RegExp(`<path class="${cls}" data-series="${name}"[^>]* d="([^"]+)"`).exec(svg);
  if (!m?.[1]) throw new Error(`no ${cls} path for ${name}`);
  return m[1];
}

test('bandChart: one band polygon per series spanning lo..hi around its mean line', () => {
  const svg = bandChart({
    title: 'FD',
    series: [
      {
        name: 'a',
        color: '#1f77b4',
        points: [
          { x: 0, y: 5, lo: 4, hi: 6 },
          { x: 10, y: 5, lo: 0, hi: 10 },
          { x: 20, y: 5, lo: 5, hi: 5 },
        ],
      },
      {
        name: 'b',
        color: '#ff7f0e',
        points: [
          { x: 0, y: 2, lo: 1, hi: 3 },
          { x: 20, y: 3, lo: 2, hi: 4 },
        ],
      },
    ],
  });
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  expect(svg.match(/<path class="band"/g)).toHaveLength(2);
  expect(svg.match(/<path class="series"/g)).toHaveLength(2);
  expect(svg.match(/<circle class="point"/g)).toHaveLength(5);

  // Band a: upper edge over 3 x's, then the lower edge back (6 vertices, closed).
  const band = vertices(pathD(svg, 'band', 'a'));
  expect(band).toHaveLength(6);
  expect(pathD(svg, 'band', 'a').endsWith('Z')).toBe(true);
  const line = vertices(pathD(svg, 'series', 'a'));
  expect(line).toHaveLength(3);
  const [u0, u1, u2, l2, l1, l0] = band as [
    { x: number; y: number },
    { x: number; y: number },
    { x: number; y: number },
    { x: number; y: number },
    { x: number; y: number },
    { x: number; y: number },
  ];
  // Same x for the upper and lower vertex of a point, the line's x.
  expect([u0.x, u1.x, u2.x]).toEqual(line.map((p) => p.x));
  expect([l0.x, l1.x, l2.x]).toEqual(line.map((p) => p.x));
  // SVG y grows downward: hi above (smaller y) the mean, lo below.
  for (const [u, l, p] of [
    [u0, l0, line[0]],
    [u1, l1, line[1]],
  ] as const) {
    expect(u.y).toBeLessThan(p?.y ?? NaN);
    expect(l.y).toBeGreaterThan(p?.y ?? NaN);
  }
  // Band height is proportional to hi - lo: 10 at x=10 vs 2 at x=0; zero where lo = hi.
  expect((l1.y - u1.y) / (l0.y - u0.y)).toBeCloseTo(5, 1);
  expect(l2.y - u2.y).toBeCloseTo(0, 5);
  // The y axis covers the band extremes: hi=10 and lo=0 stay inside the plot area (top 28, bottom 210).
  expect(u1.y).toBeGreaterThanOrEqual(28);
  expect(l1.y).toBeLessThanOrEqual(210);
  expect(u1.y - 28).toBeLessThan(15);
  expect(210 - l1.y).toBeLessThan(15);
});

test('bandChart: legend names and title are escaped; empty and non-finite series are handled', () => {
  const svg = bandChart({
    title: 'a <b> & "c"',
    series: [
      { name: 'x<y & "z"', color: '#000', points: [{ x: 1, y: 2, lo: 1, hi: 3 }] },
      { name: 'empty', color: '#f00', points: [] },
      { name: 'nan', color: '#0f0', points: [{ x: 1, y: Number.NaN, lo: 0, hi: 1 }] },
    ],
  });
  expect(svg).toContain('x&lt;y &amp; &quot;z&quot;');
  expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
  expect(svg).not.toContain('x<y');
  expect(svg).not.toContain('NaN');
  // Only the finite series is drawn (a single point: a thin lo..hi bar plus its dot); all three are in the legend.
  expect(svg.match(/<path class="band"/g)).toHaveLength(1);
  expect(svg.match(/<circle class="point"/g)).toHaveLength(1);
  expect(svg).toContain('>empty</text>');
  expect(svg).toContain('>nan</text>');

  for (const series of [[], [{ name: 'e', color: '#000', points: [] }]]) {
    const empty = bandChart({ title: 'none', series });
    expect(empty).toContain('no data yet');
    expect(empty).not.toContain('class="band"');
    expect(empty.endsWith('</svg>')).toBe(true);
  }
});

test('bandChart: log scale leaves out y <= 0 and clips a band edge <= 0 to the mean', () => {
  const svg = bandChart({
    title: 'log',
    log: true,
    series: [
      {
        name: 'a',
        color: '#000',
        points: [
          { x: 0, y: 0, lo: 0, hi: 1 },
          { x: 1, y: 10, lo: -1, hi: 100 },
          { x: 2, y: 100, lo: 10, hi: 1000 },
        ],
      },
    ],
  });
  expect(svg).toMatch(/data-series="a" data-points="2"/);
  const band = vertices(pathD(svg, 'band', 'a'));
  const line = vertices(pathD(svg, 'series', 'a'));
  expect(band).toHaveLength(4);
  // lo at x=1 was -1: clipped to y, so the lower vertex sits on the line.
  expect(band[3]?.y).toBeCloseTo(line[0]?.y ?? NaN, 5);
  expect(svg).not.toContain('NaN');
});
