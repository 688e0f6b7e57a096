import { GanforgeError } from '@ganforge/core';
import { configProblems, type ConfigProblem } from './issues.ts';
import { applyOverride, parseOverride, type ConfigOverride } from './overrides.ts';
import { TrainConfigSchema, type TrainConfig } from './schema.ts';

const HINT = 'ganforge train --print-config shows every field with its default';

/** Whether one path lies inside the other (or they are the same). */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Validates `base` (a config file, a run's config.json) with `--set key=value` overrides applied in
 * order. Each bad field is blamed on where it came from: the last --set that wrote it, its parent or
 * something inside it (`--set optimizer.d.lr=1: unknown field optimizer`), else the base
 * (`config file c.yaml: unknown field batchsize`). When every bad field came from --set, the error is
 * a usage error (a bad option value: the CLI exits 2); one from the base is a bad input (exit 1).
 */
export function parseWithOverrides(base: unknown, baseSource: string, set: readonly string[]): TrainConfig {
  const overrides: (ConfigOverride & { readonly text: string })[] = set.map((text) => ({
    ...parseOverride(text),
    text,
  }));
  let raw: unknown = base;
  for (const o of overrides) raw = applyOverride(raw, o);
  const result = TrainConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;

  const origin = (p: ConfigProblem): string => {
    const by = overrides.findLast((o) => overlaps(o.path, p.path));
    return by === undefined ? baseSource : `--set ${by.text}`;
  };
  const grouped = new Map<string, string[]>();
  for (const p of configProblems(result.error.issues, raw)) {
    const from = origin(p);
    grouped.set(from, [...(grouped.get(from) ?? []), p.text]);
  }
  const message = [...grouped].map(([from, texts]) => `${from}: ${texts.join('; ')}`).join('; ');
  throw new GanforgeError('bad_config', message, { hint: HINT, usage: !grouped.has(baseSource) });
}
