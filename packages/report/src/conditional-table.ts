import { escapeXml as esc } from './svg.ts';

/** One class of a recorded conditional evaluation (ganforge eval's `conditional.perClass`). */
interface ClassRow {
  readonly class: number;
  readonly name: string;
  readonly accuracy: number;
  readonly frechetDistance: number;
}

/** The `conditional` section of a recorded `ganforge eval` result, as far as the report reads it. */
interface ConditionalSection {
  readonly numClasses?: number;
  readonly skipped?: string;
  readonly accuracy?: number;
  readonly meanFrechetDistance?: number;
  readonly perClass?: readonly ClassRow[];
}

/** A recorded evaluation: its column title and its conditional section, when it has one. */
export interface ConditionalColumn {
  readonly title: string;
  readonly conditional: unknown;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isClassRow(v: unknown): v is ClassRow {
  const r = v as Partial<ClassRow> | null;
  return (
    r !== null &&
    typeof r === 'object' &&
    Number.isInteger(r.class) &&
    typeof r.name === 'string' &&
    isNumber(r.accuracy) &&
    isNumber(r.frechetDistance)
  );
}

function section(v: unknown): ConditionalSection | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const s = v as ConditionalSection;
  if (typeof s.skipped === 'string') return s;
  return Array.isArray(s.perClass) && s.perClass.every(isClassRow) ? s : undefined;
}

function num(v: unknown): string {
  if (!isNumber(v)) return '';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/**
 * Class-conditional generators' evaluations: a table with a row per class (conditional accuracy and
 * per-class FD, two columns per checkpoint) and the overall means, plus a line per evaluation that skipped
 * them. '' when no evaluation has a conditional section.
 */
export function renderConditional(columns: readonly ConditionalColumn[]): string {
  const parsed = columns.flatMap((c) => {
    const s = section(c.conditional);
    return s ? [{ title: c.title, s }] : [];
  });
  if (parsed.length === 0) return '';
  const measured = parsed.filter((p) => p.s.perClass !== undefined);
  const skipped = parsed.filter((p) => p.s.perClass === undefined);
  let table = '';
  if (measured.length > 0) {
    const classes = new Map<number, string>();
    for (const { s } of measured) for (const r of s.perClass ?? []) classes.set(r.class, r.name);
    const ids = [...classes.keys()].sort((a, b) => a - b);
    const head = measured
      .map(({ title }) => `<th>${esc(title)} accuracy</th><th>${esc(title)} FD</th>`)
      .join('');
    const cells = (pick: (s: ConditionalSection) => [unknown, unknown]) =>
      measured
        .map(({ s }) => {
          const [acc, fd] = pick(s);
          return `<td>${esc(num(acc))}</td><td>${esc(num(fd))}</td>`;
        })
        .join('');
    const rows = ids.map((id) => {
      const cell = cells((s) => {
        const r = s.perClass?.find((p) => p.class === id);
        return [r?.accuracy, r?.frechetDistance];
      });
      return `<tr class="class-row" data-class="${id}"><td>${id}</td><td>${esc(classes.get(id) ?? '')}</td>${cell}</tr>`;
    });
    const mean = `<tr class="class-mean"><th colspan="2">mean over classes</th>${cells((s) => [s.accuracy, s.meanFrechetDistance])}</tr>`;
    table =
      `<table class="conditional"><tr><th>class</th><th>name</th>${head}</tr>${rows.join('')}${mean}</table>` +
      '<p class="sub">accuracy: share of the samples generated for the class that the evaluator classifies as ' +
      'that class; FD: Fréchet distance between the evaluator features of those samples and of real images of ' +
      'the class. Sample i is generated for class i mod classes.</p>';
  }
  const notes = skipped
    .map(
      ({ title, s }) =>
        `<li class="conditional-skipped">${esc(title)}: conditional metrics skipped, ${esc(s.skipped ?? '')}</li>`,
    )
    .join('');
  return `<h3>Class-conditional</h3>${table}${notes ? `<ul>${notes}</ul>` : ''}`;
}
