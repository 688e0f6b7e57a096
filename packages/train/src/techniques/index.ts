export * from './technique.ts';
export * from './margin-balance.ts';
export * from './adaptive-l2.ts';
export * from './instance-noise.ts';
export * from './labels.ts';
export * from './moment-matching.ts';
export {
  TECHNIQUES,
  techniqueSchemas,
  type TechniqueName,
  type TechniqueSchemas,
  type TechniquesConfig,
  type TechniqueUnit,
} from './registry.ts';
export {
  initTechniqueStates,
  restoreTechniqueStates,
  updateTechniqueStates,
  type TechniqueStates,
} from './technique-states.ts';
export { techniquesOn } from './techniques-on.ts';
