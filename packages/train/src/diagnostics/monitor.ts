import type { DiagnosticsConfig } from './config.ts';
import {
  discriminatorOverpoweringDetector,
  type DiscriminatorOverpoweringState,
} from './detectors/discriminator-overpowering.ts';
import { explodingGradientsDetector, type ExplodingGradientsState } from './detectors/exploding-gradients.ts';
import { modeCollapseDetector, type ModeCollapseState } from './detectors/mode-collapse.ts';
import { nonFiniteDetector } from './detectors/non-finite.ts';
import { oscillationDetector, type OscillationState } from './detectors/oscillation.ts';
import { meanPairwiseDistance } from './diversity.ts';
import { remediesFor } from './remedies.ts';
import type {
  DetectorName,
  DiagnosticExtras,
  DiagnosticMetrics,
  FailureEvent,
  Finding,
  Observation,
} from './types.ts';

/** Everything the detectors remember between steps (plain data). */
export interface DiagnosticsState {
  readonly nonFinite: null;
  readonly explodingGradients: ExplodingGradientsState;
  readonly discriminatorOverpowering: DiscriminatorOverpoweringState;
  readonly modeCollapse: ModeCollapseState;
  readonly oscillation: OscillationState;
  /** Detectors whose failure is showing now: they report again only after it cleared. */
  readonly active: readonly DetectorName[];
}

export function initialDiagnosticsState(): DiagnosticsState {
  return {
    nonFinite: nonFiniteDetector.initial(),
    explodingGradients: explodingGradientsDetector.initial(),
    discriminatorOverpowering: discriminatorOverpoweringDetector.initial(),
    modeCollapse: modeCollapseDetector.initial(),
    oscillation: oscillationDetector.initial(),
    active: [],
  };
}

function toEvent(detector: DetectorName, step: number, f: Finding): FailureEvent {
  return {
    step,
    onsetStep: f.onsetStep,
    detector,
    severity: f.severity,
    message: f.message,
    evidence: f.evidence,
    remedies: remediesFor(detector),
  };
}

/**
 * One step of every detector (pure). Returns the next state and the failures that began at this
 * step: a detector that keeps finding the same failure reports it once, until it clears.
 */
export function observeStep(
  state: DiagnosticsState,
  obs: Observation,
  config: DiagnosticsConfig,
): { state: DiagnosticsState; events: FailureEvent[] } {
  const withDiversity: Observation =
    obs.sampleDiversity === undefined && obs.samples !== undefined
      ? { ...obs, sampleDiversity: meanPairwiseDistance(obs.samples.data, obs.samples.n) }
      : obs;
  const findings: [DetectorName, Finding | undefined][] = [];
  const nf = nonFiniteDetector.step(state.nonFinite, withDiversity, config.nonFinite);
  findings.push(['nonFinite', nf.finding]);
  const eg = explodingGradientsDetector.step(
    state.explodingGradients,
    withDiversity,
    config.explodingGradients,
  );
  findings.push(['explodingGradients', eg.finding]);
  const dov = discriminatorOverpoweringDetector.step(
    state.discriminatorOverpowering,
    withDiversity,
    config.discriminatorOverpowering,
  );
  findings.push(['discriminatorOverpowering', dov.finding]);
  const mc = modeCollapseDetector.step(state.modeCollapse, withDiversity, config.modeCollapse);
  findings.push(['modeCollapse', mc.finding]);
  const osc = oscillationDetector.step(state.oscillation, withDiversity, config.oscillation);
  findings.push(['oscillation', osc.finding]);

  const events: FailureEvent[] = [];
  const active: DetectorName[] = [];
  for (const [name, finding] of findings) {
    if (finding === undefined) continue;
    active.push(name);
    if (!state.active.includes(name) || name === 'nonFinite') events.push(toEvent(name, obs.step, finding));
  }
  return {
    state: {
      nonFinite: nf.state,
      explodingGradients: eg.state,
      discriminatorOverpowering: dov.state,
      modeCollapse: mc.state,
      oscillation: osc.state,
      active,
    },
    events,
  };
}

/** The detectors with their state held inside: what the training loop calls once per step. */
export interface Diagnostics {
  /** Feed one step's metrics (+ the fixed-z samples on sample steps); returns failures that began now. */
  observe(metrics: DiagnosticMetrics, extras?: DiagnosticExtras): FailureEvent[];
  /** Forget all history (after a rescue rolled the networks back). Keeps the real data's diversity. */
  reset(): void;
  /** Take up a saved state (a checkpoint's, on resume) as if the steps before it had been observed here. */
  restore(state: DiagnosticsState): void;
  /** The current state (plain data), e.g. for tests. */
  readonly state: DiagnosticsState;
}

export function createDiagnostics(config: DiagnosticsConfig, extras: DiagnosticExtras = {}): Diagnostics {
  let state = initialDiagnosticsState();
  let realDiversity = extras.realDiversity;
  return {
    observe(metrics, more = {}) {
      if (more.realDiversity !== undefined) realDiversity = more.realDiversity;
      const result = observeStep(state, { ...metrics, ...more, realDiversity }, config);
      state = result.state;
      return result.events;
    },
    reset() {
      state = initialDiagnosticsState();
    },
    restore(saved) {
      state = saved;
    },
    get state() {
      return state;
    },
  };
}
