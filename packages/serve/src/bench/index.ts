/**
 * @ganforge/serve/bench: the serving load benchmark (scripts/bench-serve.ts) and its profiler
 * (scripts/bench-serve-profile.ts). Kept out of the main entry point because it needs the dev-only
 * load generator (autocannon).
 */
export * from './serve-bench.ts';
export * from './targets.ts';
export {
  startServer,
  startProfiling,
  NAIVE_CHILD,
  NAIVE_PROFILED_CHILD,
  GANFORGE_CHILD,
  type BenchServer,
} from './bench-servers.ts';
export { load, requestFor, type BenchModel } from './load.ts';
export * from './profile-summary.ts';
export * from './grpc-bench.ts';
