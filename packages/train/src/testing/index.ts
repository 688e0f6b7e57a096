/**
 * @ganforge/train/testing: helpers for tests in other packages (a fake training run on disk, synthetic
 * diagnostic streams, the tiny real runs the diagnostics tests train). Not part of the runtime API.
 * Every package keeps its test helpers in src/testing/ and exports them from a `./testing` entry.
 */
export * from './fake-run.ts';
export * from './interrupt-at.ts';
export * from './metric-numbers.ts';
export * from './synthetic.ts';
export * from './tiny-runs.ts';
export * from './use-fake-run.ts';
