import type { AblationPlan } from './types.ts';

/** The plan as a user checks it before spending hours on it: one line per run, the overrides per variant. */
export function formatPlan(plan: AblationPlan): string {
  const lines = [
    `suite ${plan.suite.name} (${plan.suite.file}): ${plan.variants.length} variants x ${plan.seeds.length} seeds = ${plan.runs.length} runs`,
    `budget ${plan.budget.steps} steps per run; evaluated at steps ${plan.runs[0]?.evalSteps.join(', ') ?? '-'} ` +
      `on ${plan.evaluation.samples} samples (seed ${plan.evaluation.seed})`,
    ...plan.variants.map(
      (v) =>
        `  ${v.name}: ${v.config !== undefined ? `config ${v.config}` : 'base'}${v.set.length > 0 ? ` + ${v.set.join(' ')}` : ''}` +
        (v.description ? ` (${v.description})` : ''),
    ),
    'runs:',
    ...plan.runs.map((r) => `  ${String(r.index).padStart(3)}  ${r.id}`),
  ];
  return `${lines.join('\n')}\n`;
}
