import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_EVAL_DIR, stepName, writeFileAtomic } from '@ganforge/runs';

/**
 * Records an evaluation of a run's checkpoint as <run>/eval/step-XXXXXX.json: `ganforge report`
 * shows it and `ganforge export` of that step puts its metrics and protocol into the model card.
 */
export function recordRunEvaluation(runDir: string, step: number, result: object): string {
  const dir = join(runDir, RUN_EVAL_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stepName(step)}.json`);
  writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
