import { formatEvidence, type FailureEvent, type Remedy } from '@ganforge/runs';
import type { Chart, MetricsRow } from './chart-set.ts';
import { renderConditional } from './conditional-table.ts';
import type { EvaluationFile, RescueLine } from './run-data.ts';
import { escapeXml as esc } from './svg.ts';

export const REPORT_CSS = `
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{margin:0 0 4px} h2{margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin-bottom:8px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:12px}
.charts figure{margin:0;border:1px solid #eee}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
.critical{color:#b00020;font-weight:bold} .warning{color:#b35900;font-weight:bold}
.samples{display:flex;flex-wrap:wrap;gap:10px} .samples figure{margin:0;text-align:center;font-size:12px}
.samples img,.walk img{image-rendering:pixelated;border:1px solid #ccc}
.ok{color:#1b7f3a} code{background:#f4f4f4;padding:0 3px} ul.rem{margin:0;padding-left:18px}
`;

export interface SampleImage {
  readonly step: number;
  /** data: URI or relative URL of the PNG. */
  readonly src: string;
}

function remedyList(remedies: readonly Remedy[]): string {
  return `<ul class="rem">${remedies
    .map(
      (r) =>
        `<li><code>${esc(r.technique)}</code> ${esc(r.text)} <small>(${esc(r.source)}${r.rescuable ? '' : '; needs a new run'})</small></li>`,
    )
    .join('')}</ul>`;
}

export function renderEvents(events: readonly FailureEvent[], steps: number): string {
  if (events.length === 0) {
    return `<p class="ok" id="no-events">No failure detected${steps > 0 ? ` in ${steps} steps` : ''}.</p>`;
  }
  const rows = events.map(
    (e) => `<tr class="event" data-step="${e.step}" data-detector="${esc(e.detector)}">
<td>${e.step}<br><small>from ${e.onsetStep}</small></td><td class="${e.severity}">${esc(e.detector)}<br><small>${e.severity}</small></td>
<td>${esc(e.message)}<br><small><code>${esc(formatEvidence(e))}</code></small></td>
<td>${remedyList(e.remedies.slice(0, 3))}${
      e.remedies.length > 3
        ? `<details><summary>${e.remedies.length - 3} more</summary>${remedyList(e.remedies.slice(3))}</details>`
        : ''
    }</td></tr>`,
  );
  return `<table id="events"><tr><th>step</th><th>detector</th><th>what and evidence</th><th>remedies (config key, source)</th></tr>${rows.join('')}</table>`;
}

export function renderRescues(rescues: readonly RescueLine[]): string {
  if (rescues.length === 0) return '';
  return `<h3>Rescues</h3><ul id="rescues">${rescues.map((r) => `<li class="rescue">${esc(r.message)}</li>`).join('')}</ul>`;
}

export function renderCharts(charts: readonly Chart[]): string {
  return `<div class="charts">${charts.map((c) => `<figure id="chart-${esc(c.id)}">${c.svg}</figure>`).join('')}</div>`;
}

export function renderSamples(samples: readonly SampleImage[]): string {
  if (samples.length === 0) return '<p>No sample grids yet.</p>';
  return `<div class="samples">${samples
    .map(
      (s) =>
        `<figure><img src="${esc(s.src)}" alt="samples at step ${s.step}" width="224"><figcaption>step ${s.step}</figcaption></figure>`,
    )
    .join('')}</div>`;
}

function flatten(value: unknown, prefix: string, out: [string, string][], depth = 0): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  let text: string;
  if (typeof value === 'number')
    text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(5)));
  else if (Array.isArray(value)) {
    const shown = value
      .slice(0, 12)
      .map((v) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : JSON.stringify(v)));
    text = `[${shown.join(', ')}${value.length > 12 ? `, ... (${value.length})` : ''}]`;
  } else text = typeof value === 'string' ? value : JSON.stringify(value);
  out.push([prefix, text]);
}

interface RecordedEvaluation {
  metrics: Record<string, number>;
  protocol?: {
    samples?: number;
    seed?: number;
    k?: number;
    evaluator?: { name?: string; sha256?: string };
    reference?: { dataset?: string; split?: string; count?: number };
    conditioning?: { classes?: number };
  };
  source?: { step?: number };
  /** Class-conditional generators: conditional accuracy and per-class FD (conditional-table.ts reads it). */
  conditional?: unknown;
}

/** A result of `ganforge eval` (metrics + protocol), as opposed to some other JSON file. */
function isRecorded(data: unknown): data is RecordedEvaluation {
  const m = (data as { metrics?: unknown } | null)?.metrics;
  return (
    m !== null && typeof m === 'object' && Object.values(m as object).every((v) => typeof v === 'number')
  );
}

function fmtMetric(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** `ganforge eval` results side by side (one column per checkpoint), with the protocol they share. */
function renderRecorded(evals: readonly { name: string; data: RecordedEvaluation }[]): string {
  const names = [...new Set(evals.flatMap((e) => Object.keys(e.data.metrics)))];
  const titles = evals.map((e) =>
    e.data.source?.step !== undefined ? `step ${e.data.source.step}` : e.name,
  );
  const head = titles.map((t) => `<th>${esc(t)}</th>`).join('');
  const rows = names
    .map(
      (n) =>
        `<tr><th>${esc(n)}</th>${evals.map((e) => `<td>${e.data.metrics[n] === undefined ? '' : esc(fmtMetric(e.data.metrics[n]))}</td>`).join('')}</tr>`,
    )
    .join('');
  const protocols = [
    ...new Set(
      evals.map((e) => {
        const p = e.data.protocol ?? {};
        const ev = p.evaluator ?? {};
        const ref = p.reference ?? {};
        return `${p.samples ?? '?'} samples vs ${ref.count ?? '?'} ${ref.dataset ?? ''} ${ref.split ?? ''} images, evaluator ${ev.name ?? '?'} (${(ev.sha256 ?? '').slice(0, 12)}), seed ${p.seed ?? '?'}, k ${p.k ?? '?'}${
          p.conditioning ? `, sample i of class i mod ${p.conditioning.classes ?? '?'}` : ''
        }`;
      }),
    ),
  ];
  const conditional = renderConditional(
    evals.map((e, i) => ({ title: titles[i] ?? e.name, conditional: e.data.conditional })),
  );
  return `<table class="evaluation"><tr><th>metric</th>${head}</tr>${rows}</table><p class="protocol">protocol: ${protocols.map(esc).join('; ')}</p>${conditional}`;
}

export function renderEvaluations(evals: readonly EvaluationFile[]): string {
  if (evals.length === 0) return '<p>No evaluation yet (run <code>ganforge eval &lt;run&gt;</code>).</p>';
  const recorded = evals.flatMap((e) => (isRecorded(e.data) ? [{ name: e.name, data: e.data }] : []));
  const others = evals.filter((e) => !isRecorded(e.data));
  const table = recorded.length > 0 ? renderRecorded(recorded) : '';
  return (
    table +
    others
      .map((e) => {
        const rows: [string, string][] = [];
        flatten(e.data, '', rows);
        return `<h3>${esc(e.name)}</h3><table class="evaluation">${rows
          .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
          .join('')}</table>`;
      })
      .join('')
  );
}

export function describeRun(
  meta: Record<string, unknown> | undefined,
  metrics: readonly MetricsRow[],
): string {
  const parts: string[] = [];
  const last = metrics[metrics.length - 1];
  if (meta?.status) parts.push(`status: ${String(meta.status)}`);
  parts.push(
    `${last?.step ?? 0}${typeof meta?.totalSteps === 'number' ? ` / ${meta.totalSteps}` : ''} steps`,
  );
  const backend = meta?.backend as { name?: string; threads?: number } | undefined;
  if (backend?.name)
    parts.push(`backend: ${backend.name}${backend.threads ? ` (${backend.threads} threads)` : ''}`);
  const ds = meta?.dataset as { name?: string; size?: number } | undefined;
  if (ds?.name) parts.push(`data: ${ds.name}${ds.size ? ` (${ds.size})` : ''}`);
  if (meta?.startedAt) parts.push(`started ${String(meta.startedAt)}`);
  const ips = metrics.slice(-50).map((m) => m.imagesPerSec ?? 0);
  if (ips.length > 0) parts.push(`${Math.round(ips.reduce((a, b) => a + b, 0) / ips.length)} images/s`);
  return parts.join(' · ');
}

function techniquesOn(meta: Record<string, unknown> | undefined): string {
  const t = meta?.techniques as Record<string, boolean> | undefined;
  if (!t) return '';
  const on = Object.entries(t)
    .filter(([, v]) => v)
    .map(([k]) => k);
  return `<p>Techniques on: ${on.length > 0 ? on.map((k) => `<code>${esc(k)}</code>`).join(' ') : 'none (plain GAN)'}</p>`;
}

export interface ReportPage {
  readonly name: string;
  readonly meta: Record<string, unknown> | undefined;
  readonly config: Record<string, unknown> | undefined;
  readonly metrics: readonly MetricsRow[];
  readonly events: readonly FailureEvent[];
  readonly rescues?: readonly RescueLine[] | undefined;
  readonly charts: readonly Chart[];
  readonly samples: readonly SampleImage[];
  readonly evaluations: readonly EvaluationFile[];
  /** data: URI of the latent-walk animation. */
  readonly latentWalk?: string | undefined;
}

/** The whole report as one self-contained HTML page (no external requests). */
export function renderReportHtml(page: ReportPage): string {
  const steps = page.metrics[page.metrics.length - 1]?.step ?? 0;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.name)} - ganforge report</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>${REPORT_CSS}</style></head><body>
<h1>${esc(page.name)}</h1>
<div class="sub">${esc(describeRun(page.meta, page.metrics))}</div>
${techniquesOn(page.meta)}
<h2>What the detectors said</h2>
${renderEvents(page.events, steps)}
${renderRescues(page.rescues ?? [])}
<h2>Training curves</h2>
${renderCharts(page.charts)}
<h2>Samples from a fixed z over time</h2>
${renderSamples(page.samples)}
<h2>Latent walk</h2>
${page.latentWalk ? `<div class="walk"><img id="latent-walk" src="${esc(page.latentWalk)}" alt="latent walk" width="256"></div>` : '<p>No latent-walk frames (put PNG frames in &lt;run&gt;/latent-walk/ or pass --latent-walk).</p>'}
<h2>Evaluation</h2>
${renderEvaluations(page.evaluations)}
<h2>Config</h2>
<details><summary>resolved config.json</summary><pre>${esc(JSON.stringify(page.config ?? {}, null, 2))}</pre></details>
<p class="sub">Generated by ganforge report at ${esc(new Date().toISOString())}.</p>
</body></html>
`;
}
