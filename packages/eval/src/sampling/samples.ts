/** Images drawn from a generator for evaluation, NHWC float32 in [-1, 1]. */
export interface GeneratedSamples {
  readonly images: Float32Array;
  readonly n: number;
  readonly imageShape: { readonly height: number; readonly width: number; readonly channels: number };
  readonly source: {
    readonly kind: 'model' | 'run';
    readonly path: string;
    readonly name: string;
    /** The dataset the generator was trained on, when known (picks the evaluator by default). */
    readonly dataset: string | undefined;
    readonly step?: number;
    /** Run sources: the run directory the checkpoint belongs to. */
    readonly runDir?: string;
  };
  /** Class-conditional generators only (absent for unconditional ones): the class each sample was generated for. */
  readonly conditioning?: SampleClasses;
}

/** The classes of a class-conditional generator's samples. */
export interface SampleClasses {
  /** Classes of the generator (its class embedding's size). */
  readonly numClasses: number;
  /** Class names by id, when the run or card records them. */
  readonly classNames: readonly string[] | undefined;
  /** The class of each sample: balancedClasses(n, numClasses). */
  readonly labels: Int32Array;
}

/**
 * How `ganforge eval` draws the classes of a conditional generator's samples, for every metric (the
 * unconditional ones included): balanced, sample i has class i mod numClasses. Deterministic, independent of
 * the seed, and each class gets floor(n / numClasses) or one more samples (with their own latents).
 */
export function balancedClasses(n: number, numClasses: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % numClasses);
}
