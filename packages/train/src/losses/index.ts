import { hingeLoss } from './hinge.ts';
import { leastSquaresLoss } from './least-squares.ts';
import { minimaxLoss } from './minimax.ts';
import { nonSaturatingLoss } from './non-saturating.ts';
import type { GanLoss, LossName } from './types.ts';

export { LOSS_NAMES, LossNameSchema } from './types.ts';
export type { DiscriminatorLosses, GanLoss, LossName, LossOptions, Target } from './types.ts';
export { sigmoidCrossEntropy } from './logits.ts';
export {
  auxiliaryDiscriminatorLoss,
  auxiliaryGeneratorLoss,
  classAccuracy,
  classCrossEntropy,
} from './auxiliary-classifier.ts';
export { hingeLoss, leastSquaresLoss, minimaxLoss, nonSaturatingLoss };

const LOSSES: Readonly<Record<LossName, GanLoss>> = {
  minimax: minimaxLoss,
  non_saturating: nonSaturatingLoss,
  least_squares: leastSquaresLoss,
  hinge: hingeLoss,
};

export function getLoss(name: LossName): GanLoss {
  return LOSSES[name];
}
