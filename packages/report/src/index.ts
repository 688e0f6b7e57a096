/**
 * @ganforge/report: what a training run looks like, read from its folder only: the self-contained HTML
 * report, the live dashboard, the charts, the latent walk and the run data reader.
 */
export { buildCharts, eventMarkers, type Chart, type MetricsRow } from './chart-set.ts';
export {
  downsample,
  lineChart,
  type ChartMarker,
  type ChartPoint,
  type ChartSeries,
  type LineChartOptions,
} from './line-chart.ts';
export { bandChart, type BandChartOptions, type BandPoint, type BandSeries } from './band-chart.ts';
export { renderReportHtml, type ReportPage, type SampleImage } from './html.ts';
export { encodeAnimation, type AnimationOptions } from './latent-walk.ts';
export {
  evenlySpaced,
  listSampleGrids,
  loadRunData,
  type EvaluationFile,
  type RescueLine,
  type RunData,
  type SampleGridFile,
} from './run-data.ts';
export { parseJsonl, tailJsonl } from './jsonl.ts';
export { writeReport, type WriteReportOptions, type WrittenReport } from './write-report.ts';
export { startDashboard, type Dashboard, type DashboardOptions } from './dashboard.ts';
export { latentLoop, renderLatentWalkFrames, type LatentWalkOptions } from './latent-walk-frames.ts';
export { PALETTE } from './svg.ts';
