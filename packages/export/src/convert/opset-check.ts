import { GanforgeError } from '@ganforge/core';
import {
  OP_FORMS,
  commonRange,
  formatRange,
  inRange,
  type OpForm,
  type OpsetRange,
} from '../onnx/op-forms.ts';
import type { NodeProto } from '../onnx/proto.ts';
import type { ConverterEntry, LayerInfo } from './layer.ts';

/**
 * What convertToOnnx writes around the layers: the Transpose back to NHWC (or the Reshape that gives a
 * squeezed value its size-1 axis back), the output's Identity.
 */
export const GRAPH_FORMS: readonly OpForm[] = [OP_FORMS.Transpose, OP_FORMS.Reshape, OP_FORMS.Identity];

/** One layer of the model and the converter registered for its class. */
export interface LayerUse {
  readonly layer: Pick<LayerInfo, 'name' | 'className'>;
  readonly entry: ConverterEntry;
}

/**
 * The opsets in which every node form of the model is valid (its converters' and the graph's own).
 * Throws export_bad_opset, before anything is built, naming the first layer whose converter writes a
 * form that `target` does not have, and the opsets among `supported` that would suit every layer.
 */
export function checkOpset(
  target: number,
  uses: readonly LayerUse[],
  supported: readonly number[],
): OpsetRange {
  const range = commonRange([...GRAPH_FORMS, ...uses.flatMap((u) => u.entry.ops)]);
  for (const { layer, entry } of uses) {
    const bad = entry.ops.find((f) => !inRange(target, f));
    if (!bad) continue;
    const fits = supported.filter((o) => inRange(o, range));
    throw new GanforgeError(
      'export_bad_opset',
      `cannot export layer '${layer.name}' (${layer.className}) at opset ${target}: its converter writes ${bad.op} with ${bad.form}, which ONNX has in ${formatRange(bad)}`,
      {
        hint:
          fits.length > 0
            ? `export at opset ${fits.join(' or ')} (--opset ${fits[0]})`
            : `no opset the exporter writes (${supported.join(', ')}) suits every layer of this model (${
                range.max !== undefined && range.min > range.max
                  ? 'their forms have no opset in common'
                  : `together they need ${formatRange(range)}`
              }); change the model`,
      },
    );
  }
  return range;
}

/**
 * Throws when a converter wrote a node whose op its registry entry does not declare: its opset range
 * would then be unknown. A bug in the exporter, not in the model; every test that exports the layer
 * catches it.
 */
export function checkDeclared(use: LayerUse, nodes: readonly NodeProto[]): void {
  for (const n of nodes) {
    if (!use.entry.ops.some((f) => f.op === n.opType)) {
      throw new Error(
        `the converter of layer '${use.layer.name}' (${use.layer.className}) wrote a ${String(n.opType)} node, which its registry entry does not declare (add OP_FORMS.${String(n.opType)} to its ops)`,
      );
    }
  }
}
