import { expect, test } from 'vitest';
import { initialDiagnosticsState } from './monitor.ts';
import { decodeSupervisorState, encodeSupervisorState, type SupervisorState } from './supervisor-state.ts';

const batch = (values: number[]) => ({ data: Float32Array.from(values), n: 1 });

const state: SupervisorState = {
  version: 1,
  detectors: {
    ...initialDiagnosticsState(),
    explodingGradients: {
      g: { history: [1.5, Number.POSITIVE_INFINITY], baseline: null, streak: 0, onsetStep: 0 },
      d: { history: [Number.NaN, -0], baseline: 2, streak: 1, onsetStep: 7 },
    },
    oscillation: {
      ...initialDiagnosticsState().oscillation,
      snapshots: [batch([-1, 0.1, 1]), batch([0.3333333432674408, -0.5, 0])],
    },
    active: ['oscillation'],
  },
  pendingSamples: batch([0.1, -0.7]),
  rescues: 2,
  logLines: { events: 5, rescues: 2 },
};

test('the supervisor state reads back bit for bit: float arrays, NaN, Infinity, -0', () => {
  const back = decodeSupervisorState(encodeSupervisorState(state));
  expect(back).toEqual(state);
  expect(back?.pendingSamples?.data).toBeInstanceOf(Float32Array);
  expect(Object.is(back?.detectors.explodingGradients.d.history[1], -0)).toBe(true);
  expect(encodeSupervisorState(back as SupervisorState)).toBe(encodeSupervisorState(state));
});

test('a state of another version or layout is no state (fresh detectors); text that is not JSON throws', () => {
  const raw = JSON.parse(encodeSupervisorState(state)) as Record<string, unknown>;
  const variant = (change: Record<string, unknown>): string => JSON.stringify({ ...raw, ...change });
  expect(decodeSupervisorState(variant({ version: 2 }))).toBeUndefined();
  expect(decodeSupervisorState(variant({ rescues: -1 }))).toBeUndefined();
  expect(decodeSupervisorState(variant({ detectors: { active: [] } }))).toBeUndefined();
  expect(decodeSupervisorState(variant({ pendingSamples: { data: [1, 2], n: 1 } }))).toBeUndefined();
  expect(decodeSupervisorState('{}')).toBeUndefined();
  expect(() => decodeSupervisorState('{"version":')).toThrow();
});
