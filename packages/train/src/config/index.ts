export * from './schema.ts';
export {
  formatTrainConfig,
  parseTrainConfig,
  readConfigFile,
  resolveTrainConfig,
  type ResolveConfigOptions,
} from './resolve.ts';
export { applyOverride, parseOverride, type ConfigOverride } from './overrides.ts';
export { parseWithOverrides } from './withOverrides.ts';
export { configProblems, type ConfigProblem } from './issues.ts';
export { didYouMean } from './suggest.ts';
export { assertShapeFits } from './shape.ts';
