/**
 * Gradients only for what a step trains.
 *
 * tfjs-layers runs a Conv2D or Dense layer whose activation is linear as one of tfjs's fused ops
 * (`fused.conv2d`, `fused.matMul`: the product and the bias in one kernel), also while gradients are
 * recorded, and the fused ops' gradient is a custom gradient that computes the gradient of EVERY input
 * at once, whether or not anything reads it. tfjs prunes the other ops' gradients to the paths that
 * lead to the variables being trained; these it cannot. In a GAN step that is:
 *  - in G's update: the filter and bias gradients of every layer of D (D is not being trained);
 *  - in D's update: the gradient of D's first layer with respect to the images;
 *  - in G's update: the gradient of G's first layer with respect to z.
 * On a DCGAN at 32/32 filters (wasm, one thread) those are ~17 ms of a ~170 ms step.
 *
 * `unfuseUnderGradients` makes such layers of a model compute `conv2d`/`matMul` then `add` while a
 * gradient is being recorded: the same function (up to float rounding of where the bias is added), with
 * per-input gradients that tfjs computes only where they are needed. Outside gradient recording (sampling,
 * evaluation, export) the layers run as tfjs-layers runs them, fused. Layers it does not cover (another
 * activation, which tfjs already runs unfused under gradients; channels-first; a Dense on rank > 2
 * input) are left as they are.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { leafLayers } from './leaf-layers.ts';

type Call = tfl.layers.Layer['call'];

interface LayerWeights {
  readonly kernel: tfl.LayerVariable;
  readonly bias: tfl.LayerVariable | undefined;
}

/** A layer's kernel and bias variables, by their names in tfjs-layers. */
function weightsOf(layer: tfl.layers.Layer): LayerWeights | undefined {
  const named = (suffix: string): tfl.LayerVariable | undefined =>
    layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
  const kernel = named('kernel');
  return kernel === undefined ? undefined : { kernel, bias: named('bias') };
}

function isLinear(config: tf.serialization.ConfigDict): boolean {
  return config['activation'] === undefined || config['activation'] === null || config['activation'] === 'linear';
}

function pair(value: tf.serialization.ConfigDictValue | undefined): [number, number] | undefined {
  const v = Array.isArray(value) ? value : [value, value];
  const [a, b] = v;
  return typeof a === 'number' && typeof b === 'number' ? [a, b] : undefined;
}

/** The unfused forward of a linear Conv2D layer (NHWC), or undefined when the layer is not one. */
function unfusedConv2d(layer: tfl.layers.Layer): ((x: tf.Tensor) => tf.Tensor) | undefined {
  const config = layer.getConfig();
  const weights = weightsOf(layer);
  const strides = pair(config['strides']);
  const dilations = pair(config['dilationRate'] ?? 1);
  const padding = config['padding'];
  if (
    weights === undefined ||
    !isLinear(config) ||
    config['dataFormat'] !== 'channelsLast' ||
    strides === undefined ||
    dilations === undefined ||
    (padding !== 'same' && padding !== 'valid')
  )
    return undefined;
  return (x) => {
    const y = tf.conv2d(x as tf.Tensor4D, weights.kernel.read() as tf.Tensor4D, strides, padding, 'NHWC', dilations);
    return weights.bias === undefined ? y : tf.add(y, weights.bias.read());
  };
}

/** The unfused forward of a linear Dense layer on [N, features] input. */
function unfusedDense(layer: tfl.layers.Layer): ((x: tf.Tensor) => tf.Tensor | undefined) | undefined {
  const weights = weightsOf(layer);
  if (weights === undefined || !isLinear(layer.getConfig())) return undefined;
  return (x) => {
    if (x.rank !== 2) return undefined;
    const y = tf.matMul(x as tf.Tensor2D, weights.kernel.read() as tf.Tensor2D);
    return weights.bias === undefined ? y : tf.add(y, weights.bias.read());
  };
}

/** Marks a layer already changed, so a second call leaves it as it is. */
const UNFUSED = Symbol('ganforge.unfusedUnderGradients');

function unfuse(layer: tfl.layers.Layer): boolean {
  const marked = layer as unknown as { [UNFUSED]?: true };
  if (marked[UNFUSED]) return true;
  const className = layer.getClassName();
  const forward =
    className === 'Conv2D' ? unfusedConv2d(layer) : className === 'Dense' ? unfusedDense(layer) : undefined;
  if (forward === undefined) return false;
  const fused: Call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined || tf.engine().state.gradientDepth === 0) return fused(inputs, kwargs);
    return tf.tidy(() => forward(x) ?? (fused(inputs, kwargs) as tf.Tensor));
  };
  marked[UNFUSED] = true;
  return true;
}

/**
 * Makes `model`'s linear Conv2D and Dense layers run unfused while gradients are recorded (see the
 * module comment). Returns the names of the layers changed. Changes the layer objects in place, so a
 * model that shares them (D's feature model) runs them the same way.
 */
export function unfuseUnderGradients(model: tfl.LayersModel): string[] {
  return leafLayers(model)
    .filter(unfuse)
    .map((layer) => layer.name);
}
