import { join } from 'node:path';
import { CHECKPOINT_FILES, writeCheckpoint, type CheckpointState } from '@ganforge/runs';
import type { TrainConfig } from '../config/schema.ts';
import { encodeSupervisorState, type SupervisorState } from '../diagnostics/supervisor-state.ts';
import { initTechniqueStates, restoreTechniqueStates, type TechniqueStates } from '../techniques/index.ts';
import { dataCursor, type DataCursor } from './data-cursor.ts';
import type { GanSetup } from './gan-setup.ts';
import { createRngStreams, restoreRngStreams, type RngStreams, type RngStreamsState } from './rng-streams.ts';

/**
 * Where a run is, besides its networks and optimizers: what the loop moves on every step and a
 * checkpoint saves, so that a resumed run draws and computes exactly what an uninterrupted one would.
 */
export interface RunPosition {
  /** Steps done. */
  step: number;
  readonly cursor: DataCursor;
  readonly rng: RngStreams;
  /** The techniques' state, by technique name. */
  techniques: TechniqueStates;
}

/**
 * A checkpoint's state.json as this package writes it. @ganforge/runs stores `rng` and `controller`
 * (the techniques' state, by technique name) as they are, without knowing their fields.
 */
export type TrainerCheckpointState = CheckpointState<RngStreamsState, TechniqueStates>;

/** Step 0 of a new run: every stream from the config's seed, every technique at its initial state. */
export function freshPosition(config: TrainConfig): RunPosition {
  const rng = createRngStreams(config.seed);
  return {
    step: 0,
    cursor: dataCursor(0, 0, rng.data.getState()),
    rng,
    techniques: initTechniqueStates(config.techniques),
  };
}

/** The position a checkpoint saved (its techniques' state checked); `dir` is the checkpoint folder. */
export function savedPosition(state: CheckpointState, config: TrainConfig, dir: string): RunPosition {
  const s = state as CheckpointState<RngStreamsState, unknown>;
  return {
    step: s.step,
    cursor: dataCursor(s.epoch, s.batchInEpoch, s.rng.dataAtEpochStart),
    rng: restoreRngStreams(s.rng),
    techniques: restoreTechniqueStates(s.controller, config.techniques, join(dir, CHECKPOINT_FILES.state)),
  };
}

/** The state.json of a run at `position`. */
export function checkpointState(position: RunPosition, config: TrainConfig): TrainerCheckpointState {
  const { cursor, rng } = position;
  return {
    step: position.step,
    epoch: cursor.epoch,
    batchInEpoch: cursor.batchInEpoch,
    rng: { dataAtEpochStart: cursor.epochStart, latent: rng.latent.getState(), noise: rng.noise.getState() },
    controller: position.techniques,
    latent: config.latent,
  };
}

/**
 * Writes a checkpoint of the run at its position (networks, optimizers, state.json, and the failure
 * detectors' state when they watch it) and points `latest` at it; returns its folder.
 */
export async function saveCheckpoint(
  runDir: string,
  setup: GanSetup,
  position: RunPosition,
  diagnostics: SupervisorState | undefined,
): Promise<string> {
  return writeCheckpoint(runDir, {
    generator: setup.generator,
    discriminator: setup.discriminator,
    gOptimizer: setup.gOptimizer,
    dOptimizer: setup.dOptimizer,
    state: checkpointState(position, setup.config),
    diagnostics: diagnostics ? encodeSupervisorState(diagnostics) : undefined,
  });
}
