/**
 * @ganforge/train/testing: helpers for tests in other packages (a fake training run on disk, synthetic
 * diagnostic streams, the tiny real runs the diagnostics tests train). Not part of the runtime API. The helpers live beside the code they exercise as
 * *.testutil.ts; mnistLike.testutil.ts is left out because it imports vitest's expect.
 */
export * from '../diagnostics/fakeRun.testutil.ts';
export * from '../diagnostics/synthetic.testutil.ts';
export * from '../diagnostics/tinyRuns.testutil.ts';
