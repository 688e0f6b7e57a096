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
}
