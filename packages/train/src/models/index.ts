export * from './config.ts';
export { buildGenerator, BN_EPSILON, BN_MOMENTUM, type GeneratorOptions } from './generator.ts';
export {
  buildDiscriminator,
  discriminatorFeatures,
  LOGIT_LAYER,
  type DiscriminatorOptions,
} from './discriminator.ts';
export { INIT_STDDEV } from './init.ts';
export { LEAKY_ALPHA } from './activation.ts';
export { dcganPlan, type DcganPlan } from './shapes.ts';
export {
  ConditioningConfigSchema,
  DiscriminatorConditioningSchema,
  GeneratorConditioningSchema,
  type ClassConditioning,
  type ConditioningConfig,
  type DiscriminatorConditioning,
  type GeneratorConditioning,
} from './conditioning-config.ts';
export {
  CLASS_INPUT,
  D_CLASS_EMBEDDING,
  D_CLASS_FLATTEN,
  D_CLASS_LOGITS,
  D_PROJECTED_LOGIT,
  D_PROJECTION,
  G_CLASS_EMBEDDING,
  G_CLASS_FLATTEN,
  G_CONDITION,
} from './class-conditioning.ts';
export { unfuseUnderGradients } from './unfused-under-gradients.ts';
export { leafLayers } from './leaf-layers.ts';
