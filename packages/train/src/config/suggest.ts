import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { valueAt } from '@ganforge/core';

interface ZodInternals {
  _zod: { def: { type: string; [k: string]: unknown } };
}

function def(schema: unknown): ZodInternals['_zod']['def'] {
  return (schema as ZodInternals)._zod.def;
}

/** Unwraps default/prefault/optional/pipe/readonly wrappers down to the schema that checks the value. */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (;;) {
    const d = def(s);
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'optional' || d.type === 'readonly') {
      s = d['innerType'];
    } else if (d.type === 'pipe') {
      s = d['in'];
    } else {
      return s;
    }
  }
}

function objectKeys(schema: unknown, value: unknown): string[] | undefined {
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === 'object') return Object.keys(d['shape'] as Record<string, unknown>);
  if (d.type === 'union') {
    // A discriminated union: pick the option whose discriminator matches the value.
    const options = d['options'] as unknown[];
    const discriminator = d['discriminator'] as string | undefined;
    const tag =
      discriminator && value && typeof value === 'object'
        ? (value as Record<string, unknown>)[discriminator]
        : undefined;
    for (const option of options) {
      const keys = objectKeys(option, value);
      if (!keys) continue;
      const shape = def(unwrap(option))['shape'] as Record<string, unknown>;
      const lit = discriminator ? shape[discriminator] : undefined;
      const values = lit ? (def(unwrap(lit))['values'] as unknown[] | undefined) : undefined;
      if (!discriminator || !values || values.includes(tag)) return keys;
    }
  }
  return undefined;
}

function childSchema(schema: unknown, key: string, value: unknown): unknown {
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === 'object') return (d['shape'] as Record<string, unknown>)[key];
  if (d.type === 'union') {
    const discriminator = d['discriminator'] as string | undefined;
    const tag =
      discriminator && value && typeof value === 'object'
        ? (value as Record<string, unknown>)[discriminator]
        : undefined;
    for (const option of d['options'] as unknown[]) {
      const shape = def(unwrap(option))['shape'] as Record<string, unknown> | undefined;
      if (!shape) continue;
      const lit = discriminator ? shape[discriminator] : undefined;
      const values = lit ? (def(unwrap(lit))['values'] as unknown[] | undefined) : undefined;
      if (!discriminator || !values || values.includes(tag)) return shape[key];
    }
  }
  return undefined;
}

/** The one-line description of the field at `path` (following discriminated unions by `input`). */
export function describeField(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  input: unknown,
): string | undefined {
  let s: unknown = schema;
  for (let i = 0; i < path.length; i++) {
    s = childSchema(s, String(path[i]), valueAt(input, path.slice(0, i)));
    if (s === undefined) return undefined;
  }
  // The description may sit on a wrapper (default/prefault) or on the inner schema.
  for (let cur: unknown = s; cur !== undefined;) {
    const text = (cur as { description?: string }).description;
    if (text) return text;
    const d = def(cur);
    cur = d.type === 'default' || d.type === 'prefault' || d.type === 'optional' ? d['innerType'] : undefined;
  }
  return undefined;
}

/** The keys an object schema accepts at `path` (following discriminated unions by the input's tag). */
export function knownKeysAt(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  input: unknown,
): string[] | undefined {
  let s: unknown = schema;
  for (let i = 0; i < path.length; i++) {
    s = childSchema(s, String(path[i]), valueAt(input, path.slice(0, i)));
    if (s === undefined) return undefined;
  }
  return objectKeys(s, valueAt(input, path));
}

/** The closest known key, when it is close enough to be a plausible typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, known as string[]);
  const limit = Math.max(2, Math.floor(Math.max(key.length, best.length) / 3));
  if (distance(key.toLowerCase(), best.toLowerCase()) <= limit) return best;
  return undefined;
}
