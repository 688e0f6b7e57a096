import { intAttr } from '../../onnx/proto.ts';
import type { LayerConverter } from '../layer.ts';
import { unsupported, weight } from '../layer.ts';

/**
 * Embedding of the class input: ONNX Gather(E, class) on axis 0, E the [numClasses, d] table as a float
 * initializer. The class input is int64 [N] in ONNX for tfjs' int32 [N, 1] (layout 'squeezed'), so Gather
 * gives [N, d] for tfjs' [N, 1, d], still squeezed; the Flatten that follows is then no node at all
 * (convertFlatten).
 *
 * Out-of-range classes are not clamped: tfjs throws on them, ONNX Gather fails on an index >= numClasses and,
 * from opset 11, reads a negative index from the end (-1 = the last class). A server must reject a class
 * outside [0, numClasses) before running the model; card.conditioning.classes has numClasses names.
 */
export const convertEmbedding: LayerConverter = (g, x, layer) => {
  if (x.dtype !== 'int64' || x.layout !== 'squeezed' || x.shape.join(',') !== '1') {
    throw unsupported(
      layer,
      `input [N, ${x.shape.join(', ')}] (only the class input, int [N, 1], can be embedded)`,
    );
  }
  if (layer.config.maskZero === true) throw unsupported(layer, 'maskZero (masks are not exported)');
  const table = weight(layer, 'embeddings');
  const [numClasses, dim] = table.shape;
  if (
    table.shape.length !== 2 ||
    numClasses !== layer.config.inputDim ||
    dim === undefined ||
    dim !== layer.config.outputDim
  ) {
    throw unsupported(
      layer,
      `embeddings [${table.shape.join(', ')}] for inputDim ${String(layer.config.inputDim)} and outputDim ${String(layer.config.outputDim)}`,
    );
  }
  const e = g.floatInit(`${layer.name}/embeddings`, table.shape, table.values);
  const name = g.node('Gather', [e, x.name], layer.name, [intAttr('axis', 0)]);
  return { name, shape: [1, dim], layout: 'squeezed' };
};
