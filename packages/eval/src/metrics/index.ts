export { featureSet, type FeatureSet } from './features.ts';
export { fitGaussian, type GaussianFit } from './gaussian.ts';
export { symmetricEigen, sqrtSymmetricPsd, matmul, type SymmetricEigen } from './symmetricEigen.ts';
export { frechetDistance, frechetDistanceGaussians } from './frechet.ts';
export { classifierScore } from './classifierScore.ts';
export { classHistogram, classCoverage, classKl, COVERAGE_MIN_SHARE } from './classHistogram.ts';
export { knnRadiiSquared, precisionRecall, densityCoverage } from './manifold.ts';
