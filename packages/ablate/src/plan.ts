import { dirname, resolve } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { resolveTrainConfig } from '@ganforge/train';
import { overrideText, readSuite, type Suite } from './suite.ts';
import type { AblationPlan, PlannedRun } from './types.ts';

/** `<variant>--seed-<seed>`: a run's id and folder name. */
export function runId(variant: string, seed: number): string {
  return `${variant}--seed-${seed}`;
}

/** The checkpoint steps a run is evaluated at: every `every` steps, and the last step. */
export function evaluationSteps(steps: number, every: number): number[] {
  const out: number[] = [];
  for (let s = every; s < steps; s += every) out.push(s);
  out.push(steps);
  return out;
}

/**
 * Expands a suite into its runs (variant-major, then seed), each with its fully resolved training config.
 * Every config is validated here, so a typo in any variant fails before the first run starts.
 */
export function planSuite(suite: Suite, suiteFile: string): AblationPlan {
  const dir = dirname(resolve(suiteFile));
  const common = Object.entries(suite.set).map(([k, v]) => overrideText(k, v));
  const runs: PlannedRun[] = [];
  for (const variant of suite.variants) {
    const file = resolve(dir, variant.config ?? suite.base);
    const own = Object.entries(variant.set).map(([k, v]) => overrideText(k, v));
    for (const seed of suite.seeds) {
      const id = runId(variant.name, seed);
      let config: Record<string, unknown>;
      try {
        config = resolveTrainConfig({
          file,
          set: [
            ...common,
            ...own,
            overrideText('name', id),
            overrideText('seed', seed),
            overrideText('steps', suite.budget.steps),
            overrideText('logging.checkpointEvery', suite.evaluation.every),
          ],
        }) as unknown as Record<string, unknown>;
      } catch (e) {
        if (e instanceof GanforgeError) {
          throw new GanforgeError(
            'bad_suite',
            `suite ${suiteFile}, variant '${variant.name}': ${e.message}`,
            {
              hint: e.hint ?? 'ganforge train --print-config lists every config field',
              cause: e,
            },
          );
        }
        throw e;
      }
      runs.push({
        index: runs.length,
        id,
        variant: variant.name,
        seed,
        config,
        evalSteps: evaluationSteps(suite.budget.steps, suite.evaluation.every),
      });
    }
  }
  return {
    suite: {
      name: suite.name,
      description: suite.description,
      claim: suite.claim,
      source: suite.source,
      file: suiteFile,
    },
    variants: suite.variants.map((v) => ({
      name: v.name,
      description: v.description,
      set: Object.entries(v.set).map(([k, val]) => overrideText(k, val)),
      ...(v.config !== undefined ? { config: v.config } : {}),
    })),
    seeds: suite.seeds,
    budget: { steps: suite.budget.steps },
    evaluation: { ...suite.evaluation },
    runs,
  };
}

/** Reads a suite file and plans it. */
export function planSuiteFile(file: string): AblationPlan {
  return planSuite(readSuite(file), file);
}
