/** The report of an ablation result: ablation.md, the self-contained ablation.html and ablation.json. */
export { renderAblationMarkdown } from './markdown.ts';
export { renderAblationHtml } from './html.ts';
export { writeAblationReport } from './write-report.ts';
export {
  ablationTable,
  formatClassCoverage,
  formatClassifierScore,
  formatFrechetDistance,
  formatRecall,
  formatStat,
  METRIC_FORMAT,
  type TableCell,
  type TableRow,
} from './table.ts';
