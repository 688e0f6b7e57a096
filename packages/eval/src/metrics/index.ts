export { featureSet, type FeatureSet } from './features.ts';
export { fitGaussian, type GaussianFit } from './gaussian.ts';
export { symmetricEigen, sqrtSymmetricPsd, matmul, type SymmetricEigen } from './symmetric-eigen.ts';
export { frechetDistance, frechetDistanceGaussians } from './frechet.ts';
export { classifierScore } from './classifier-score.ts';
export { classHistogram, classCoverage, classKl, COVERAGE_MIN_SHARE } from './class-histogram.ts';
export { knnRadiiSquared, precisionRecall, densityCoverage } from './manifold.ts';
export { classCounts, conditionalAccuracy, perClassFrechet, rowsOfClass } from './conditional.ts';
