import type { z } from 'zod';
import { GanforgeError } from '../errors.ts';
import { valueAt } from '../value-at.ts';
import { ModelCardSchema, type ModelCard } from './schema.ts';

/** 'output.channels', 'evaluation.metrics.fid', 'training.config.layers[2]'; '(card)' for the root. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(card)' : out;
}

function describeValue(value: unknown): string {
  if (value === undefined || typeof value === 'number' || typeof value === 'function') return String(value);
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeIssue(root: unknown, issue: z.core.$ZodIssue): string {
  const field = formatFieldPath(issue.path);
  const value = valueAt(root, issue.path);
  if (value === undefined && issue.path.length > 0) {
    const expected =
      issue.code === 'invalid_type'
        ? issue.expected
        : issue.code === 'invalid_value'
          ? issue.values.map((v) => JSON.stringify(v)).join(' or ')
          : issue.message;
    return `field '${field}' is missing (expected ${expected})`;
  }
  return `field '${field}': ${issue.message} (got ${describeValue(value)})`;
}

/**
 * Validates parsed JSON as a model card. Throws GanforgeError('bad_model_card') whose message names
 * the first failing field (and how many more fail), e.g.
 * "model card field 'output.channels': Invalid input (got 4)".
 */
export function parseModelCard(json: unknown, source = 'model card'): ModelCard {
  const result = ModelCardSchema.safeParse(json);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length > 0 ? `; ${rest.length} more problem${rest.length > 1 ? 's' : ''}` : '';
  throw new GanforgeError(
    'bad_model_card',
    `${source} ${first ? describeIssue(json, first) : 'is invalid'}${more}`,
    {
      hint: 'regenerate the card with `ganforge export`, or fix the field by hand (see packages/core/src/card/schema.ts)',
      cause: result.error,
    },
  );
}
