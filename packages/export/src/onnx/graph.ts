import type { AttributeProto, NodeProto, TensorProto } from './proto.ts';
import { floatTensor, int64Tensor, intsAttr } from './proto.ts';

/**
 * Where a value's channels live. 'tf' = exactly the tfjs layout (NHWC for images, [N, F] for vectors);
 * 'nchw' = a rank-4 value with channels moved to axis 1, the layout ONNX Conv/ConvTranspose/BatchNormalization need.
 */
export type Layout = 'tf' | 'nchw';

/** A tensor in the graph being built. `shape` is the tfjs shape without the batch axis, whatever the layout. */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
  readonly layout: Layout;
}

const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/**
 * Collects the nodes and initializers of one conversion. Names are made unique here so that layer converters can
 * pass readable bases ('dense_1/kernel'). One builder per conversion; nothing is shared between conversions.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const n of reserved) this.names.add(n);
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds one node with one output and returns the output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    base: string,
    attribute: readonly AttributeProto[] = [],
  ): string {
    const output = this.fresh(`${base}/${opType}`);
    this.nodes.push({
      opType,
      name: output,
      input: [...inputs],
      output: [output],
      attribute: [...attribute],
    });
    return output;
  }

  floatInit(base: string, dims: readonly number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  int64Init(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  /** The value in NCHW (inserting one Transpose if it is in the tfjs NHWC layout). */
  toNchw(v: Value, base: string): Value {
    if (v.layout === 'nchw') return v;
    if (v.shape.length !== 3)
      throw new Error(`${base}: NCHW needs a rank-4 value, got [N, ${v.shape.join(', ')}]`);
    const name = this.node('Transpose', [v.name], base, [intsAttr('perm', NHWC_TO_NCHW)]);
    return { name, shape: v.shape, layout: 'nchw' };
  }

  /** The value in the tfjs layout (inserting one Transpose if it is in NCHW). */
  toTf(v: Value, base: string): Value {
    if (v.layout === 'tf') return v;
    const name = this.node('Transpose', [v.name], base, [intsAttr('perm', NCHW_TO_NHWC)]);
    return { name, shape: v.shape, layout: 'tf' };
  }
}
