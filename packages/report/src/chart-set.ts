import type { FailureEvent, StepMetrics } from '@ganforge/runs';
import { PALETTE } from './svg.ts';
import { lineChart, type ChartMarker, type ChartPoint, type ChartSeries } from './line-chart.ts';

/** A metrics.jsonl line as read from disk: StepMetrics, but tolerant of missing fields. */
export type MetricsRow = Partial<StepMetrics> & { readonly step: number };

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

function seriesOf(
  rows: readonly MetricsRow[],
  name: string,
  color: string,
  pick: (m: MetricsRow) => unknown,
): ChartSeries {
  const points: ChartPoint[] = [];
  for (const m of rows) {
    const y = pick(m);
    if (typeof y === 'number' && Number.isFinite(y)) points.push({ x: m.step, y });
  }
  return { name, color, points };
}

function layerSeries(rows: readonly MetricsRow[], net: 'G' | 'D'): ChartSeries[] {
  const keys = new Set<string>();
  for (const m of rows)
    for (const k of Object.keys((net === 'G' ? m.gLayerGradNorms : m.dLayerGradNorms) ?? {})) keys.add(k);
  return [...keys]
    .sort()
    .map((k, i) =>
      seriesOf(
        rows,
        `${net} ${k}`,
        PALETTE[(i + (net === 'D' ? 5 : 0)) % PALETTE.length] as string,
        (m) => (net === 'G' ? m.gLayerGradNorms : m.dLayerGradNorms)?.[k],
      ),
    );
}

export function eventMarkers(events: readonly FailureEvent[]): ChartMarker[] {
  return events.map((e) => ({ step: e.step, severity: e.severity, label: `${e.detector}: ${e.message}` }));
}

/**
 * The charts of a run, as the sources in docs/techniques.md#monitoring say to watch them ("Balancing the GAN game": how
 * often G fools D, how good D is on real and on fake; "All About Training GAN": losses and gradients):
 * losses, D outputs, gradient
 * norms (global and per layer), the balance controls, throughput; detector events on every timeline.
 */
export function buildCharts(
  rows: readonly MetricsRow[],
  events: readonly FailureEvent[],
  size?: { width: number; height: number },
): Chart[] {
  const markers = eventMarkers(events);
  const common = { markers, ...(size ?? {}) };
  const c = (id: string, title: string, series: ChartSeries[], log = false): Chart => ({
    id,
    title,
    svg: lineChart({ title, series, log, ...common }),
  });
  const charts: Chart[] = [
    c('losses', 'Losses', [
      seriesOf(rows, 'D loss real', PALETTE[0] as string, (m) => m.dLossReal),
      seriesOf(rows, 'D loss fake', PALETTE[1] as string, (m) => m.dLossFake),
      seriesOf(rows, 'G loss', PALETTE[2] as string, (m) => m.gLoss),
    ]),
    c('d-outputs', 'D(x), D(G(z)) and how often G fools D', [
      seriesOf(rows, 'D(x)', PALETTE[0] as string, (m) => m.dReal),
      seriesOf(rows, 'D(G(z))', PALETTE[1] as string, (m) => m.dFake),
      seriesOf(rows, 'fool rate', PALETTE[2] as string, (m) => m.foolRate),
    ]),
    c(
      'grad-norms',
      'Gradient norms (log)',
      [
        seriesOf(rows, 'G', PALETTE[2] as string, (m) => m.gGradNorm),
        seriesOf(rows, 'D', PALETTE[0] as string, (m) => m.dGradNorm),
      ],
      true,
    ),
    c(
      'layer-grad-norms',
      'Gradient norms per layer (log)',
      [...layerSeries(rows, 'G'), ...layerSeries(rows, 'D')],
      true,
    ),
    c(
      'controls',
      'Learning rates, D L2, instance noise (log)',
      [
        seriesOf(rows, 'lr G', PALETTE[2] as string, (m) => m.lrG),
        seriesOf(rows, 'lr D', PALETTE[0] as string, (m) => m.lrD),
        seriesOf(rows, 'L2 (D)', PALETTE[4] as string, (m) => m.l2),
        seriesOf(rows, 'noise sigma', PALETTE[5] as string, (m) => m.noiseSigma),
      ],
      true,
    ),
    c('throughput', 'Images per second', [
      seriesOf(rows, 'images/s', PALETTE[7] as string, (m) => m.imagesPerSec),
    ]),
  ];
  return charts;
}
