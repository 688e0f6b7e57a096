import type { OnFailure } from './config.ts';
import { REMEDIES, type ConfigChange } from './remedies.ts';
import type { FailureEvent, Remedy } from './types.ts';

export type RescueDecision =
  | { readonly action: 'continue'; readonly message: string }
  | { readonly action: 'stop'; readonly message: string }
  | {
      readonly action: 'rescue';
      /** Checkpoint step to restore (0 = start over from the seed's initial weights: no healthy checkpoint). */
      readonly rollbackToStep: number;
      /** Changes to apply to the run's config, as `--set path=value` would. */
      readonly changes: readonly ConfigChange[];
      readonly remedy: Remedy;
      readonly message: string;
    };

export interface RescueInput {
  readonly event: FailureEvent;
  readonly mode: OnFailure;
  /** The run's current resolved config (any object with the training config's layout). */
  readonly config: unknown;
  /** Steps of the run's complete checkpoints. */
  readonly checkpointSteps: readonly number[];
  /** Rescues already done in this run. */
  readonly rescuesSoFar: number;
  readonly maxRescues: number;
}

/**
 * What to do about a failure (pure). stop -> stop; warn -> continue; rescue -> roll back to the newest
 * checkpoint from before the failure's onset and switch on the first rescuable remedy that is not on
 * yet; stop when none is left or the rescue budget is spent.
 */
export function planRescue(input: RescueInput): RescueDecision {
  const { event, mode } = input;
  if (mode === 'warn')
    return {
      action: 'continue',
      message: `${event.detector} at step ${event.step}: continuing (--on-failure warn)`,
    };
  if (mode === 'stop')
    return {
      action: 'stop',
      message: `${event.detector} at step ${event.step}: stopping (--on-failure stop)`,
    };
  if (input.rescuesSoFar >= input.maxRescues) {
    return {
      action: 'stop',
      message: `${event.detector} at step ${event.step}: stopping, ${input.rescuesSoFar} rescue(s) already tried (diagnostics.maxRescues = ${input.maxRescues})`,
    };
  }
  for (const spec of REMEDIES[event.detector]) {
    if (!spec.rescuable || spec.apply === undefined) continue;
    const changes = spec.apply(input.config);
    if (changes === undefined || changes.length === 0) continue;
    const healthy = input.checkpointSteps.filter((s) => s < event.onsetStep);
    const rollbackToStep = healthy.length > 0 ? Math.max(...healthy) : 0;
    const remedy: Remedy = {
      technique: spec.technique,
      text: spec.text,
      source: spec.source,
      rescuable: true,
    };
    const from =
      rollbackToStep > 0
        ? `the checkpoint at step ${rollbackToStep}`
        : 'the initial weights (no checkpoint before the failure)';
    return {
      action: 'rescue',
      rollbackToStep,
      changes,
      remedy,
      message:
        `${event.detector} at step ${event.step}: rolling back to ${from} and setting ` +
        `${changes.map((c) => `${c.path}=${JSON.stringify(c.value)}`).join(', ')} (${spec.source})`,
    };
  }
  return {
    action: 'stop',
    message: `${event.detector} at step ${event.step}: stopping, every remedy that can be switched on mid-run is already on; see events.jsonl for architecture changes`,
  };
}
