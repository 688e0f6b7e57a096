import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../config/schema.ts';

/** An optimizer from its config section: Adam (Kingma & Ba) or RMSProp (Tieleman & Hinton). */
export function createOptimizer(cfg: OptimizerConfig): tf.Optimizer {
  return cfg.kind === 'adam'
    ? tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.epsilon)
    : tf.train.rmsprop(cfg.lr, cfg.decay, cfg.momentum, cfg.epsilon);
}
