import { bandChart, PALETTE, type BandSeries } from '@ganforge/report';
import { ABLATION_METRICS, type AblationMetric, type AblationResult, type RunResult } from '../types.ts';
import {
  ablationTable,
  COMPARISON_NOTE,
  comparisonTable,
  describeProtocol,
  METRIC_NAME,
  METRIC_TITLE,
} from './table.ts';

/** Escapes text for HTML content and attribute values. */
function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** One colour per variant: the run report's palette. */
export function variantColor(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/** The run report's look (packages/report html.ts), plus the ablation table and grids. */
const ABLATION_CSS = `
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{margin:0 0 4px} h2{margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px} h3{margin:18px 0 6px}
.sub{color:#666;margin-bottom:8px}
.claim{border-left:3px solid #1f77b4;padding:4px 12px;margin:8px 0;background:#f7f9fc}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:12px}
.charts figure{margin:0;border:1px solid #eee}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
table.ablation td.num{text-align:right;font-variant-numeric:tabular-nums} td.best{font-weight:bold;background:#eef7ee}
td.better{background:#eef7ee} td.worse{background:#fbeeee}
.critical{color:#b00020;font-weight:bold} .warning{color:#b35900;font-weight:bold}
.samples{display:flex;flex-wrap:wrap;gap:10px} .samples figure{margin:0;text-align:center;font-size:12px}
.samples img{image-rendering:pixelated;border:1px solid #ccc}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px}
.ok{color:#1b7f3a} code{background:#f4f4f4;padding:0 3px} .incomplete{color:#b35900}
`;

/** The image type of a file's bytes (PNG, JPEG, GIF, WebP), or undefined. */
function imageMime(bytes: Buffer): string | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])))
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return undefined;
}

function renderTable(result: AblationResult): string {
  const rows = ablationTable(result);
  const colors = new Map(result.variants.map((v, i) => [v.name, variantColor(i)]));
  const head = [
    'variant',
    ...ABLATION_METRICS.map((m) => METRIC_TITLE[m]),
    'completed runs',
    'detector events',
  ]
    .map((h) => `<th>${esc(h)}</th>`)
    .join('');
  const body = rows
    .map((r) => {
      const color = colors.get(r.variant) ?? '#000';
      const metrics = ABLATION_METRICS.map((m) => {
        const c = r.metrics[m];
        return `<td class="num${c.best ? ' best' : ''}" data-metric="${m}">${c.best ? `<strong>${esc(c.text)}</strong>` : esc(c.text)}</td>`;
      }).join('');
      return `<tr class="variant" data-variant="${esc(r.variant)}"><th><span class="swatch" style="background:${color}"></span>${esc(r.variant)}</th>${metrics}<td class="num">${esc(r.runs)}</td><td>${esc(r.events)}</td></tr>`;
    })
    .join('');
  return `<table class="ablation" id="ablation-table"><tr>${head}</tr>${body}</table>
<p class="sub">Final evaluation, mean ± std (min–max) over the seeds; best mean per metric in bold. Reproduce: <code id="command">${esc(result.command)}</code></p>`;
}

/** Every variant against the first: difference ± Welch's standard error, t, better / worse (table.ts). */
function renderComparison(result: AblationResult): string {
  const rows = comparisonTable(result);
  const reference = result.variants[0]?.name;
  if (rows.length === 0 || reference === undefined) return '';
  const head = ['variant', ...ABLATION_METRICS.map((m) => METRIC_TITLE[m])]
    .map((h) => `<th>${esc(h)}</th>`)
    .join('');
  const body = rows
    .map((r) => {
      const metrics = ABLATION_METRICS.map((m) => {
        const c = r.metrics[m];
        if (c === undefined) return `<td class="num" data-metric="${m}">–</td>`;
        const word = c.verdict === 'same' ? '' : ` ${c.verdict}`;
        return `<td class="num ${c.verdict}" data-metric="${m}" data-verdict="${c.verdict}">${esc(c.text)}${word}</td>`;
      }).join('');
      return `<tr data-variant="${esc(r.variant)}"><th>${esc(r.variant)}</th>${metrics}</tr>`;
    })
    .join('');
  return `<p>Against <strong>${esc(reference)}</strong> (the suite's first variant), at the final evaluation:</p>
<table class="ablation" id="comparison-table"><tr>${head}</tr>${body}</table>
<p class="sub">${esc(COMPARISON_NOTE)}</p>`;
}

/** The quality-vs-step band chart of one metric: per variant the mean line and its min..max band. */
export function metricChart(result: AblationResult, metric: AblationMetric): string {
  const series: BandSeries[] = result.variants.map((v, i) => ({
    name: v.name,
    color: variantColor(i),
    points: v.curve.map((c) => ({
      x: c.step,
      y: c.stats[metric].mean,
      lo: c.stats[metric].min,
      hi: c.stats[metric].max,
    })),
  }));
  return bandChart({ title: METRIC_NAME[metric], series });
}

function renderCharts(result: AblationResult): string {
  return `<div class="charts">${ABLATION_METRICS.map(
    (m) => `<figure id="chart-${m}" data-metric="${m}">${metricChart(result, m)}</figure>`,
  ).join('')}</div>
<p class="sub">Line: mean over the seeds at each evaluated step; band: min..max over the seeds.</p>`;
}

function runsOf(result: AblationResult, variant: string): RunResult[] {
  return result.runs.filter((r) => r.variant === variant).sort((a, b) => a.seed - b.seed);
}

function renderGrids(result: AblationResult, readImage: (relPath: string) => Buffer | undefined): string {
  return result.variants
    .map((v) => {
      const figures = runsOf(result, v.name).flatMap((r) => {
        if (!r.finalGrid) return [];
        const bytes = readImage(r.finalGrid);
        const mime = bytes ? imageMime(bytes) : undefined;
        if (!bytes || !mime) return [];
        const src = `data:${mime};base64,${bytes.toString('base64')}`;
        return [
          `<figure data-run="${esc(r.id)}"><img src="${src}" alt="${esc(`${v.name}, seed ${r.seed}: final samples`)}" width="224"><figcaption>seed ${r.seed}${r.status === 'completed' ? '' : ' <span class="incomplete">(incomplete)</span>'}</figcaption></figure>`,
        ];
      });
      return `<h3>${esc(v.name)}</h3>${figures.length > 0 ? `<div class="samples">${figures.join('')}</div>` : '<p>No sample grids.</p>'}`;
    })
    .join('\n');
}

function renderRunEvents(result: AblationResult): string {
  return result.variants
    .map((v) => {
      const runs = runsOf(result, v.name).map((r) => {
        const title = `<h3 data-run="${esc(r.id)}">${esc(r.id)}${r.status === 'completed' ? '' : ' <span class="incomplete">(incomplete)</span>'}</h3>`;
        if (r.events.length === 0) return `${title}<p class="ok">no detector events</p>`;
        const rows = r.events
          .map(
            (e) =>
              `<tr class="event" data-step="${e.step}" data-detector="${esc(e.detector)}"><td>${e.step}</td><td class="${e.severity === 'critical' ? 'critical' : e.severity === 'warning' ? 'warning' : ''}">${esc(e.detector)}<br><small>${esc(e.severity)}</small></td><td>${esc(e.message)}</td></tr>`,
          )
          .join('');
        return `${title}<table class="events"><tr><th>step</th><th>detector</th><th>message</th></tr>${rows}</table>`;
      });
      return runs.join('\n');
    })
    .join('\n');
}

function renderMachine(result: AblationResult): string {
  const m = result.machine;
  const versions = Object.entries(result.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `<p class="sub">${esc(`${m.platform}/${m.arch}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB`)}${versions ? ` · ${esc(versions)}` : ''} · created ${esc(result.createdAt)}</p>`;
}

/**
 * The ablation as ONE self-contained HTML page (inline CSS and SVG, images as data URIs, no external
 * requests): the suite, claim and protocol, the comparison table, a band chart per metric, each seed's
 * final sample grid per variant and each run's detector events. `readImage` gets a path relative to
 * the result folder (RunResult.finalGrid) and returns its bytes, or undefined to leave it out.
 */
export function renderAblationHtml(
  result: AblationResult,
  readImage: (relPath: string) => Buffer | undefined,
): string {
  const { plan } = result;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(plan.suite.name)} - ganforge ablation</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>${ABLATION_CSS}</style></head><body>
<h1>Ablation: ${esc(plan.suite.name)}</h1>
${plan.suite.description.trim() ? `<div class="sub">${esc(plan.suite.description)}</div>` : ''}
<div class="claim"><p id="claim"><strong>Claim:</strong> ${esc(plan.suite.claim)}</p><p id="source"><strong>Source:</strong> ${esc(plan.suite.source)}</p></div>
<ul id="protocol">
<li>Budget: ${plan.budget.steps} steps per run</li>
<li>Seeds: ${esc(plan.seeds.join(', '))} (${plan.seeds.length} per variant)</li>
<li>Evaluation: ${esc(describeProtocol(result))}</li>
<li>Suite file: <code>${esc(plan.suite.file)}</code></li>
</ul>
<h2>Results</h2>
${renderTable(result)}
${renderComparison(result)}
<h2>Quality over training</h2>
${renderCharts(result)}
<h2>Final samples</h2>
${renderGrids(result, readImage)}
<h2>Detector events</h2>
${renderRunEvents(result)}
<h2>Variants</h2>
<table id="variants"><tr><th>variant</th><th>description</th><th>overrides</th></tr>${plan.variants
    .map(
      (v) =>
        `<tr><th>${esc(v.name)}</th><td>${esc(v.description)}</td><td>${[
          ...(v.config ? [`config ${v.config}`] : []),
          ...v.set,
        ]
          .map((s) => `<code>${esc(s)}</code>`)
          .join(' ')}</td></tr>`,
    )
    .join('')}</table>
${renderMachine(result)}
</body></html>
`;
}
