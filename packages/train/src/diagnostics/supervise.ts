import { join } from 'node:path';
import { isGanforgeError } from '@ganforge/core';
import { applyOverride } from '../config/overrides.ts';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfig } from '../config/schema.ts';
import { loadDataset, type Dataset } from '@ganforge/data';
import { train, type TrainOptions, type TrainResult } from '../loop/train.ts';
import { writeFileAtomic } from '@ganforge/runs';
import { listCheckpoints } from '@ganforge/runs';
import { RUN_FILES, stepName } from '@ganforge/runs';
import { appendFileSync } from 'node:fs';
import { diagnosticsConfig, type DiagnosticsConfig, type OnFailure } from './config.ts';
import { realDiversity as realDiversityOf } from './real-diversity.ts';
import { appendEvent, countLogLines, EVENTS_FILE, RESCUES_FILE, truncateLogLines } from '@ganforge/runs';
import {
  createDiagnostics,
  initialDiagnosticsState,
  type Diagnostics,
  type DiagnosticsState,
} from './monitor.ts';
import type { ConfigChange } from './remedies.ts';
import { planRescue, type RescueDecision } from './rescue.ts';
import { readSampleGrid } from './sample-grid.ts';
import { SUPERVISOR_STATE_VERSION } from './supervisor-state.ts';
import type { FailureEvent, SampleBatch } from './types.ts';

/** One line of <run>/rescues.jsonl. */
export interface RescueRecord {
  readonly atStep: number;
  readonly detector: FailureEvent['detector'];
  readonly rollbackToStep: number;
  readonly changes: readonly ConfigChange[];
  readonly source: string;
  readonly message: string;
  /** Run directory in which the failure happened (training goes on there, or in a new one from step 0). */
  readonly runDir: string;
}

export interface SupervisedTrainOptions extends TrainOptions {
  /** Detector settings; default: the config's `diagnostics` section if it has one, else the defaults. */
  readonly diagnostics?: DiagnosticsConfig | undefined;
  /** Overrides diagnostics.onFailure (the CLI's --on-failure). */
  readonly onFailure?: OnFailure | undefined;
  /** Called for every failure event (the CLI prints formatEvent(event)). */
  readonly onEvent?: ((event: FailureEvent, runDir: string) => void) | undefined;
  /** Called when a failure stops or rescues the run. */
  readonly onDecision?: ((decision: RescueDecision) => void) | undefined;
}

export interface SupervisedResult {
  /** The result of the last training segment. */
  readonly result: TrainResult;
  readonly events: FailureEvent[];
  readonly rescues: RescueRecord[];
  /** Set when a failure stopped the run (--on-failure stop, or nothing left to rescue with). */
  readonly stoppedBy: { readonly event: FailureEvent; readonly message: string } | undefined;
  /** The detectors' state at the end of the last segment (what they measured). */
  readonly diagnostics: DiagnosticsState;
}

function withChanges(config: TrainConfig, changes: readonly ConfigChange[]): TrainConfig {
  let raw: unknown = config;
  for (const c of changes) raw = applyOverride(raw, { path: c.path.split('.'), value: c.value });
  return parseTrainConfig(raw, 'rescued config');
}

/**
 * train() with the failure detectors attached from the outside, through its onStep/onArtifact hooks:
 * every step's metrics (and each fixed-z sample grid, decoded) go to the detectors; events are
 * appended to <run>/events.jsonl; with onFailure 'stop' the run stops at the first failure, with
 * 'rescue' it is stopped, its config.json gets the remedy, and training resumes from the newest
 * checkpoint before the failure's onset (or starts over in a new run directory when there is none).
 * The detectors' history, the rescues spent and the logs' lengths go into every checkpoint: a run
 * resumed from one goes on as if it had never stopped (a rescue's restart forgets the history on purpose).
 */
export async function trainSupervised(options: SupervisedTrainOptions): Promise<SupervisedResult> {
  const firstConfig = options.config;
  const dataset: Dataset | undefined =
    options.dataset ?? (firstConfig && !options.resume ? await loadDataset(firstConfig.dataset) : undefined);
  const realDiversity = dataset ? realDiversityOf(dataset) : undefined;

  const events: FailureEvent[] = [];
  const rescues: RescueRecord[] = [];
  /** Rescues the run had done before it was resumed (from its checkpoint). */
  let rescuesBefore = 0;
  let config = firstConfig;
  let resume = options.resume;
  /** A rescue's restart: the detectors start afresh, whatever the checkpoint it rolls back to saved. */
  let restartedByRescue = false;
  for (;;) {
    const controller = new AbortController();
    const forward = (): void => controller.abort();
    options.signal?.addEventListener('abort', forward);
    if (options.signal?.aborted) controller.abort(); // e.g. Ctrl-C while the dataset was loading
    let diagnostics: Diagnostics | undefined;
    let dconf: DiagnosticsConfig = options.diagnostics ?? firstConfig?.diagnostics ?? diagnosticsConfig();
    let runDir = '';
    let runConfig: TrainConfig | undefined;
    let gridLayout: { n: number; columns: number; shape: Dataset['shape'] } | undefined;
    let decision: RescueDecision | undefined;
    let trigger: FailureEvent | undefined;
    let pendingSamples: SampleBatch | undefined;
    let result: TrainResult | undefined;
    let failure: unknown;
    const logFile = (name: string): string => join(runDir, name);
    try {
      result = await train({
        ...options,
        config,
        resume,
        dataset,
        signal: controller.signal,
        onStart: (info) => {
          runDir = info.runDir;
          runConfig = info.config;
          // One row per class for a class-conditional run: the detectors see its per-class grid.
          gridLayout = { ...info.sampleGrid, shape: info.dataset.shape };
          // A resumed run's own config holds its detector settings.
          dconf = options.diagnostics ?? info.config.diagnostics;
          diagnostics = createDiagnostics(dconf, { realDiversity });
          const saved = restartedByRescue ? undefined : info.diagnostics;
          if (saved) {
            diagnostics.restore(saved.detectors);
            pendingSamples = saved.pendingSamples ?? undefined;
            rescuesBefore = saved.rescues;
            // Lines logged after the checkpoint belong to steps that are done again now.
            truncateLogLines(logFile(EVENTS_FILE), saved.logLines.events);
            truncateLogLines(logFile(RESCUES_FILE), saved.logLines.rescues);
          }
          options.onStart?.(info);
        },
        diagnosticsState: () => ({
          version: SUPERVISOR_STATE_VERSION,
          detectors: diagnostics?.state ?? initialDiagnosticsState(),
          pendingSamples: pendingSamples ?? null,
          rescues: rescuesBefore + rescues.length,
          logLines: {
            events: countLogLines(logFile(EVENTS_FILE)),
            rescues: countLogLines(logFile(RESCUES_FILE)),
          },
        }),
        onArtifact: async (kind, path, step) => {
          // Decoded before training goes on, so the detectors get the grid with the very next step.
          if (kind === 'sample' && gridLayout) {
            await readSampleGrid(path, gridLayout).then(
              (s) => {
                pendingSamples = s;
              },
              () => undefined,
            );
          }
          await options.onArtifact?.(kind, path, step);
        },
        onStep: (metrics) => {
          options.onStep?.(metrics);
          const samples = pendingSamples;
          pendingSamples = undefined;
          for (const event of diagnostics?.observe(metrics, samples ? { samples } : undefined) ?? []) {
            events.push(event);
            appendEvent(logFile(EVENTS_FILE), event);
            options.onEvent?.(event, runDir);
            const mode = options.onFailure ?? dconf.onFailure;
            if (decision !== undefined || mode === 'warn') continue;
            decision = planRescue({
              event,
              mode,
              config: runConfig,
              checkpointSteps: listCheckpoints(runDir),
              rescuesSoFar: rescuesBefore + rescues.length,
              maxRescues: dconf.maxRescues,
            });
            trigger = event;
            options.onDecision?.(decision);
            if (decision.action !== 'continue') controller.abort();
          }
        },
      });
    } catch (e) {
      failure = e;
    } finally {
      options.signal?.removeEventListener('abort', forward);
    }
    // A NaN stops train() with an error; a rescue decided on that very step still goes ahead.
    if (failure !== undefined && !(decision?.action === 'rescue' && isGanforgeError(failure))) throw failure;
    if (decision?.action === 'rescue' && trigger && runConfig && !options.signal?.aborted) {
      const next = withChanges(runConfig, decision.changes);
      const record: Omit<RescueRecord, 'runDir'> = {
        atStep: trigger.step,
        detector: trigger.detector,
        rollbackToStep: decision.rollbackToStep,
        changes: decision.changes,
        source: decision.remedy.source,
        message: decision.message,
      };
      if (decision.rollbackToStep > 0) {
        writeFileAtomic(join(runDir, RUN_FILES.config), `${JSON.stringify(next, null, 2)}\n`);
        resume = join(runDir, RUN_FILES.checkpoints, stepName(decision.rollbackToStep));
        config = undefined;
        rescues.push({ ...record, runDir });
      } else {
        config = next;
        resume = undefined;
        rescues.push({ ...record, runDir });
      }
      appendFileSync(join(runDir, RESCUES_FILE), `${JSON.stringify(rescues[rescues.length - 1])}\n`);
      restartedByRescue = true;
      continue;
    }
    if (result === undefined) throw failure;
    const stoppedBy =
      decision?.action === 'stop' && trigger ? { event: trigger, message: decision.message } : undefined;
    return {
      result,
      events,
      rescues,
      stoppedBy,
      diagnostics: diagnostics?.state ?? initialDiagnosticsState(),
    };
  }
}
