import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { stopGradient } from './stop-gradient.ts';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];
type LayerVariable = tfl.LayerVariable;

/** The layers spectral normalization can wrap. */
export type SpectralNormInner = ReturnType<typeof tfl.layers.dense> | ReturnType<typeof tfl.layers.conv2d>;

export interface SpectralNormalizationArgs extends NonNullable<LayerArgs> {
  /** The wrapped Dense or Conv2D layer (not yet built; linear activation). */
  layer: SpectralNormInner;
  /** Seed of the initial power-iteration vector u. */
  seed?: number;
}

/** Serialized form of the wrapped layer, as Keras writes it. */
interface InnerConfig {
  className: string;
  config: tf.serialization.ConfigDict;
}

const EPSILON = 1e-12;

function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), EPSILON));
}

/**
 * Spectral normalization (Miyato et al. 2018) of a Dense or Conv2D layer: the layer runs with the
 * kernel W / sigma(W), where sigma(W) is the largest singular value of W reshaped to [fanIn, out],
 * estimated by power iteration.
 *
 * - u (length `out`) is a non-trainable weight, so it is saved with the model and checkpoints.
 * - Each forward pass with `training: true` does one power-iteration step and stores the new u:
 *     u <- normalize(Wᵀ normalize(W u)).
 * - sigma(W, u) = ‖Wᵀ v‖ with v = normalize(W u); u and v are constants for the gradient.
 * - After the update (or at inference, without it) the kernel used is W / sigma(W, u), the same
 *   function `foldedWeights()` evaluates, so an exporter can replace this layer by a plain one.
 */
export class SpectralNormalization extends tfl.layers.Layer {
  static readonly className = 'SpectralNormalization';

  readonly inner: SpectralNormInner;
  private readonly seed: number | undefined;
  private u: LayerVariable | undefined;

  constructor(args: SpectralNormalizationArgs) {
    super(args);
    this.inner = args.layer;
    this.seed = args.seed;
    const cfg = this.inner.getConfig();
    const activation = cfg['activation'];
    if (activation !== undefined && activation !== 'linear') {
      throw new GanforgeError(
        'bad_layer',
        `SpectralNormalization wraps layers with a linear activation; '${this.inner.name}' has activation '${String(activation)}'`,
        { hint: 'put the activation in its own layer after the wrapper' },
      );
    }
    const className = this.inner.getClassName();
    if (className === 'Conv2D') {
      const dilation = cfg['dilationRate'];
      const dil = Array.isArray(dilation) ? dilation : [dilation];
      if (dil.some((d) => d !== undefined && d !== 1) || cfg['dataFormat'] === 'channelsFirst') {
        throw new GanforgeError(
          'bad_layer',
          `SpectralNormalization supports channelsLast Conv2D without dilation; '${this.inner.name}' is not`,
        );
      }
    } else if (className !== 'Dense') {
      throw new GanforgeError(
        'bad_layer',
        `SpectralNormalization wraps Dense or Conv2D layers, not ${className}`,
      );
    }
  }

  /** Which operation the wrapped layer performs. */
  get op(): 'dense' | 'conv2d' {
    return this.inner.getClassName() === 'Conv2D' ? 'conv2d' : 'dense';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.inner.build(shape);
    // The wrapped layer's kernel (and bias) become this layer's trainable weights.
    this.trainableWeights = [...this.inner.trainableWeights];
    const out = this.kernelVar().shape[this.kernelVar().shape.length - 1] ?? 1;
    this.u = this.addWeight(
      'u',
      [out, 1],
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed }),
      undefined,
      false,
    );
    this.built = true;
  }

  private kernelVar(): LayerVariable {
    const k = this.inner.trainableWeights[0];
    if (k === undefined) throw new Error(`SpectralNormalization '${this.name}' used before build`);
    return k;
  }

  private biasVar(): LayerVariable | undefined {
    return this.inner.trainableWeights[1];
  }

  private uVar(): LayerVariable {
    if (this.u === undefined) throw new Error(`SpectralNormalization '${this.name}' used before build`);
    return this.u;
  }

  /** sigma(W, u) = ‖Wᵀ normalize(W u)‖ with W as [fanIn, out]; gradient flows into W only. */
  private sigma(kernel: tf.Tensor, u: tf.Tensor): tf.Scalar {
    const out = kernel.shape[kernel.shape.length - 1] ?? 1;
    const w = tf.reshape(kernel, [-1, out]);
    const v = stopGradient(l2Normalize(tf.matMul(w, u)));
    return tf.norm(tf.matMul(w, v, true, false)) as tf.Scalar;
  }

  /** One power-iteration step: normalize(Wᵀ normalize(W u)). */
  private powerIteration(kernel: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const out = kernel.shape[kernel.shape.length - 1] ?? 1;
    const w = tf.reshape(kernel, [-1, out]);
    const v = l2Normalize(tf.matMul(w, u));
    return l2Normalize(tf.matMul(w, v, true, false));
  }

  /** Current estimate of the largest singular value of the raw kernel (no update). */
  spectralNorm(): number {
    return tf.tidy(() => this.sigma(this.kernelVar().read(), this.uVar().read()).dataSync()[0] ?? NaN);
  }

  /**
   * The kernel this layer uses at inference (W / sigma(W, u)) and the bias, as new tensors the
   * caller owns: an exporter writes these as a plain Dense / Conv2D layer.
   */
  foldedWeights(): { kernel: tf.Tensor; bias: tf.Tensor | undefined } {
    return tf.tidy(() => {
      const w = this.kernelVar().read();
      const kernel = tf.div(w, this.sigma(w, this.uVar().read()));
      const b = this.biasVar();
      return { kernel, bias: b === undefined ? undefined : b.read().clone() };
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('SpectralNormalization expects one input');
      const w = this.kernelVar().read();
      const uVar = this.uVar();
      if (kwargs['training'] === true) {
        uVar.write(tf.tidy(() => stopGradient(this.powerIteration(w, uVar.read()))));
      }
      const kernel = tf.div(w, this.sigma(w, uVar.read()));
      const cfg = this.inner.getConfig();
      let y: tf.Tensor;
      if (this.op === 'dense') {
        if (x.rank !== 2) {
          throw new GanforgeError(
            'bad_shape',
            `SpectralNormalization(Dense) expects [N, features] input, got [${x.shape.join(', ')}]`,
          );
        }
        y = tf.matMul(x, kernel);
      } else {
        const strides = cfg['strides'] as number[] | number;
        const s = Array.isArray(strides) ? strides : [strides, strides];
        y = tf.conv2d(
          x as tf.Tensor4D,
          kernel as tf.Tensor4D,
          [s[0] ?? 1, s[1] ?? 1],
          cfg['padding'] as 'same' | 'valid',
        );
      }
      const b = this.biasVar();
      return b === undefined ? y : tf.add(y, b.read());
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return this.inner.computeOutputShape(shape) as Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const layer: InnerConfig = { className: this.inner.getClassName(), config: this.inner.getConfig() };
    const config: tf.serialization.ConfigDict = {
      layer: layer as unknown as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const inner = config['layer'] as unknown as InnerConfig;
    const layer =
      inner.className === 'Conv2D'
        ? tfl.layers.conv2d(inner.config as unknown as Parameters<typeof tfl.layers.conv2d>[0])
        : inner.className === 'Dense'
          ? tfl.layers.dense(inner.config as unknown as Parameters<typeof tfl.layers.dense>[0])
          : undefined;
    if (layer === undefined) {
      throw new GanforgeError('bad_checkpoint', `SpectralNormalization cannot wrap ${inner.className}`);
    }
    return new cls({ ...config, layer });
  }
}
tf.serialization.registerClass(SpectralNormalization);

/** `spectralNormalization(tfl.layers.conv2d({...}))`, like Keras' SpectralNormalization wrapper. */
export function spectralNormalization(
  layer: SpectralNormInner,
  opts: { seed?: number; name?: string } = {},
): SpectralNormalization {
  const args: SpectralNormalizationArgs = { layer };
  if (opts.seed !== undefined) args.seed = opts.seed;
  if (opts.name !== undefined) args.name = opts.name;
  return new SpectralNormalization(args);
}

export function isSpectralNormalization(layer: unknown): layer is SpectralNormalization {
  return layer instanceof SpectralNormalization;
}
