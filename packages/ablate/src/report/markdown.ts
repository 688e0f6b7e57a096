import { ABLATION_METRICS, type AblationResult } from '../types.ts';
import { ablationTable, COMPARISON_NOTE, comparisonTable, describeProtocol, METRIC_TITLE } from './table.ts';

/**
 * Literal text in Markdown: backslash-escapes what would otherwise become emphasis, links, code, raw
 * HTML or a table cell boundary, and an `&` that would start an entity.
 */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
}

/** Literal text on one line (a table cell, a heading, a list item). */
function cell(text: string): string {
  return mdText(text.trim().replace(/\s*\r?\n\s*/g, ' '));
}

/** A code span that holds any text, backticks included (CommonMark: a longer fence, padded). */
export function codeSpan(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...oneLine.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** Literal paragraph text: its line breaks kept as hard breaks. */
function para(text: string): string {
  return mdText(text.trim()).replace(/\r?\n/g, '  \n');
}

/**
 * An ablation result as a Markdown section: the suite, its claim and source, budget, seeds and
 * evaluation protocol, the comparison table (best mean per metric in bold) and the command that
 * reproduces it.
 */
export function renderAblationMarkdown(result: AblationResult): string {
  const { plan } = result;
  const rows = ablationTable(result);
  const lines: string[] = [];
  lines.push(`## Ablation: ${cell(plan.suite.name)}`, '');
  if (plan.suite.description.trim() !== '') lines.push(para(plan.suite.description), '');
  lines.push(`**Claim:** ${para(plan.suite.claim)}  `, `**Source:** ${para(plan.suite.source)}`, '');
  lines.push(
    `- Budget: ${plan.budget.steps} steps per run`,
    `- Seeds: ${plan.seeds.join(', ')} (${plan.seeds.length} per variant)`,
    `- Evaluation: ${describeProtocol(result)}`,
    `- Suite file: ${codeSpan(plan.suite.file)}`,
    '',
  );
  const head = [
    'variant',
    ...ABLATION_METRICS.map((m) => METRIC_TITLE[m]),
    'completed runs',
    'detector events',
  ];
  lines.push(
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 || i === head.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
  );
  for (const r of rows) {
    const metrics = ABLATION_METRICS.map((m) => {
      const c = r.metrics[m];
      return c.best ? `**${c.text}**` : c.text;
    });
    lines.push(`| ${[cell(r.variant), ...metrics, r.runs, cell(r.events)].join(' | ')} |`);
  }
  lines.push(
    '',
    `Final evaluation, mean ± std (min–max) over the seeds; best mean per metric in **bold**. Reproduce: ${codeSpan(result.command)}`,
    '',
  );
  const compared = comparisonTable(result);
  const reference = result.variants[0]?.name;
  if (compared.length > 0 && reference !== undefined) {
    const chead = ['variant', ...ABLATION_METRICS.map((m) => METRIC_TITLE[m])];
    lines.push(
      `Against ${cell(reference)} (the suite's first variant), at the final evaluation:`,
      '',
      `| ${chead.join(' | ')} |`,
      `|${chead.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    );
    for (const r of compared) {
      const metrics = ABLATION_METRICS.map((m) => {
        const c = r.metrics[m];
        if (c === undefined) return '–';
        return c.verdict === 'better'
          ? `**${c.text}** better`
          : c.verdict === 'worse'
            ? `${c.text} worse`
            : c.text;
      });
      lines.push(`| ${[cell(r.variant), ...metrics].join(' | ')} |`);
    }
    lines.push('', COMPARISON_NOTE, '');
  }
  const described = plan.variants.filter((v) => v.description.trim() !== '' || v.set.length > 0 || v.config);
  if (described.length > 0) {
    lines.push('Variants:', '');
    for (const v of described) {
      const how = [
        ...(v.config ? [`config ${codeSpan(v.config)}`] : []),
        ...v.set.map((s) => codeSpan(s)),
      ].join(' ');
      const desc = cell(v.description);
      lines.push(`- **${cell(v.name)}**${desc ? `: ${desc}` : ''}${how ? ` (${how})` : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
