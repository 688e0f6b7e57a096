/**
 * A set of n feature vectors of dimension d, row-major (row i = values[i*d .. i*d+d-1]).
 * The metrics take evaluator outputs in this form; Float32Array from onnxruntime or Float64Array both work.
 */
export interface FeatureSet {
  readonly n: number;
  readonly d: number;
  readonly values: Float32Array | Float64Array;
}

export function featureSet(values: Float32Array | Float64Array, d: number): FeatureSet {
  if (!Number.isInteger(d) || d < 1 || values.length % d !== 0) {
    throw new RangeError(`feature set: ${values.length} values is not a whole number of ${d}-d rows`);
  }
  return { n: values.length / d, d, values };
}
