import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import {
  locateCheckpoint,
  readRunConfig,
  removeStaleTemporaries,
  RUN_FILES,
  type CheckpointLocation,
} from '@ganforge/runs';
import type { ConfigPath } from '../config/config-path.ts';
import { parseOverride } from '../config/overrides.ts';
import type { TrainConfig } from '../config/schema.ts';
import { parseWithOverrides } from '../config/with-overrides.ts';

/**
 * Config fields a resumed run may change: none of them alters the saved networks or optimizer slots.
 * A trailing '.' stands for every field below.
 */
export const RESUME_OVERRIDABLE: readonly (ConfigPath | `${ConfigPath}.`)[] = [
  'steps',
  'epochs',
  'backend',
  'logging.',
  'optimizers.g.lr',
  'optimizers.d.lr',
  'techniques.',
];

function assertResumeOverrides(set: readonly string[]): void {
  for (const text of set) {
    const key = parseOverride(text).path.join('.');
    const ok = RESUME_OVERRIDABLE.some((p) => (p.endsWith('.') ? key.startsWith(p) : key === p));
    if (!ok) {
      throw new GanforgeError(
        'usage',
        `--set ${key} cannot change a resumed run (its networks and optimizers are saved)`,
        {
          hint: `on --resume only these may change: ${RESUME_OVERRIDABLE.map((p) => (p.endsWith('.') ? `${p}*` : p)).join(', ')}`,
        },
      );
    }
  }
}

/**
 * The checkpoint a resume continues, after clearing what interrupted writes of dead processes left in
 * its run (half-written checkpoint folders; an older checkpoint moved aside may go back in place).
 */
export function locateResumedCheckpoint(path: string): CheckpointLocation {
  const found = locateCheckpoint(path);
  if (found.runDir === undefined || removeStaleTemporaries(found.runDir).length === 0) return found;
  return locateCheckpoint(path);
}

/**
 * The config of a resumed run: the one its config.json records, with the resume's `--set` overrides
 * (only fields in RESUME_OVERRIDABLE) applied. `path` is what the user passed to resume.
 */
export function resumedConfig(path: string, from: CheckpointLocation, set: readonly string[]): TrainConfig {
  const recorded = readRunConfig(from.runDir);
  if (from.runDir === undefined || recorded === undefined) {
    throw new GanforgeError('not_a_run', `${path} is a checkpoint outside a run directory`, {
      hint: 'pass the run directory (runs/<name>-<time>) to --resume',
    });
  }
  assertResumeOverrides(set);
  return parseWithOverrides(recorded, join(from.runDir, RUN_FILES.config), set);
}
