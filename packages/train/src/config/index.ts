export * from './schema.ts';
export type { ConfigPath, ConfigPathTo, PathOf, ValueAtPath } from './config-path.ts';
export {
  formatTrainConfig,
  parseTrainConfig,
  readConfigFile,
  readRunTrainConfig,
  resolveTrainConfig,
  type ResolveConfigOptions,
} from './resolve.ts';
export { applyOverride, parseOverride, type ConfigOverride } from './overrides.ts';
export { parseWithOverrides } from './with-overrides.ts';
export { configProblems, type ConfigProblem } from './issues.ts';
export { didYouMean } from './suggest.ts';
export { assertShapeFits } from './shape.ts';
export { assertConditioningFits } from './conditioning-fits.ts';
