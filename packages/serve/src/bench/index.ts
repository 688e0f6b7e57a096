/**
 * @ganforge/serve/bench: the serving load benchmark (scripts/bench-serve.ts). Kept out of the main
 * entry point because it needs the dev-only load generator (autocannon).
 */
export * from './serve-bench.ts';
