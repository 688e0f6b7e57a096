/**
 * What the chaos experiments share, in one import: the result and experiment types (experiment.ts),
 * child processes that are always ended (by pid) and temporary folders (processes.ts), a `ganforge
 * serve` child on loopback (serve-child.ts), a small HTTP client with per-request timing and
 * closed-loop load clients (http-load.ts), a seeded PRNG, percentiles and formatting (stats.ts).
 */
export * from './experiment.ts';
export * from './http-load.ts';
export * from './processes.ts';
export * from './serve-child.ts';
export * from './stats.ts';
