import type { z } from 'zod';
import { TrainConfigSchema } from './schema.ts';
import { valueAt } from '@ganforge/core';
import { didYouMean, knownKeysAt } from './suggest.ts';

/** One thing wrong with a raw config: the field it is about and what to tell the user. */
export interface ConfigProblem {
  /** Path of the bad field (for an unknown key: the key itself). */
  readonly path: readonly string[];
  readonly text: string;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/**
 * The validation issues of a raw training config, one problem per bad field: unknown keys with a
 * "did you mean", out-of-range values with the field path and the value given.
 */
export function configProblems(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(TrainConfigSchema, issue.path, input) ?? [];
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        return {
          path: [...at, key],
          text: guess
            ? `unknown field ${fieldName([...at, key])} (did you mean ${fieldName([...at, guess])}?)`
            : `unknown field ${fieldName([...at, key])} (known here: ${known.join(', ')})`,
        };
      });
    }
    const value = valueAt(input, issue.path);
    const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    return [{ path: at, text: `${fieldName(issue.path)}: ${issue.message}${got}` }];
  });
}
