/** Height, width and channels of every image in a dataset (NHWC without the N). */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

/** A batch of images, NHWC float32 in [-1, 1], with labels where the data has them. */
export interface Batch {
  readonly images: Float32Array;
  readonly labels: Int32Array | undefined;
  readonly size: number;
}

/**
 * Every data source (MNIST, Fashion-MNIST, an IDX pair, a folder of images) behind one interface.
 * Everything is decoded into memory on load, so size and shape are known up front.
 */
export interface Dataset {
  /** e.g. 'mnist', 'fashion-mnist', 'idx:/path', 'folder:/path' */
  readonly name: string;
  readonly split: 'train' | 'test';
  /** Number of examples. */
  readonly size: number;
  readonly shape: ImageShape;
  /** Number of classes when the data has labels, else undefined. */
  readonly numClasses: number | undefined;
  /** The name of each class, indexed by label (length numClasses) when the data has labels, else undefined. */
  readonly classNames?: readonly string[] | undefined;
  /**
   * All images, NHWC float32 in [-1, 1] (length = size * height * width * channels). An IDX or folder
   * dataset makes this on first read (datasetOverPixels): read a batch or a subset with copyImage /
   * imageRange, which do not.
   */
  readonly images: Float32Array;
  /** All labels (length = size), or undefined. */
  readonly labels: Int32Array | undefined;
}
