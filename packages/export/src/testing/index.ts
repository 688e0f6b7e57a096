/**
 * @ganforge/export/testing: helpers for tests in this and other packages (fixture training runs,
 * randomized weights, parity figures, generator layouts, temp folders, expected rejections). Not part
 * of the runtime API.
 */
export * from './checkpoint.ts';
export * from './conditional-layouts.ts';
export * from './fixtures.ts';
export * from './layouts.ts';
export * from './expected-errors.ts';
export * from './workdirs.ts';
