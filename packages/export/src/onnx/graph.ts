import type { AttributeProto, NodeProto, TensorProto } from './proto.ts';
import { floatTensor, int64Tensor, intsAttr } from './proto.ts';

/**
 * How a value's ONNX tensor holds the tfjs tensor it stands for. 'tf' = exactly the tfjs layout (NHWC for
 * images, [N, F] for vectors); 'nchw' = a rank-4 value with channels moved to axis 1, the layout ONNX
 * Conv/ConvTranspose/BatchNormalization need; 'squeezed' = the tfjs tensor without its axis 1, which has size 1
 * (the class input: tfjs [N, 1], ONNX [N]; and what Gather makes of it: tfjs [N, 1, d], ONNX [N, d]). Same
 * values in the same order; toTf restores the tfjs layout when a converter needs it.
 */
export type Layout = 'tf' | 'nchw' | 'squeezed';

/** A tensor in the graph being built. `shape` is the tfjs shape without the batch axis, whatever the layout. */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
  readonly layout: Layout;
  /** Set only for integer indices (the class input, int64); every other value is float32. */
  readonly dtype?: 'int64';
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
  /** Layout conversions made so far, by target layout and value name: a value read by several layers is converted once. */
  private readonly converted = new Map<string, Value>();

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
    if (v.layout === 'squeezed')
      throw new Error(`${base}: a squeezed value [N, ${v.shape.join(', ')}] has no NCHW form`);
    if (v.shape.length !== 3)
      throw new Error(`${base}: NCHW needs a rank-4 value, got [N, ${v.shape.join(', ')}]`);
    return this.once(`nchw:${v.name}`, () => {
      const name = this.node('Transpose', [v.name], base, [intsAttr('perm', NHWC_TO_NCHW)]);
      return { name, shape: v.shape, layout: 'nchw' };
    });
  }

  /**
   * The value in the tfjs layout: one Transpose if it is in NCHW, one Reshape to [-1, ...shape] (the batch stays
   * dynamic) if it is squeezed.
   */
  toTf(v: Value, base: string): Value {
    if (v.layout === 'tf') return v;
    return this.once(`tf:${v.name}`, () => {
      if (v.layout === 'squeezed') {
        const shape = this.int64Init(`${base}/unsqueeze_shape`, [-1, ...v.shape]);
        return { ...v, name: this.node('Reshape', [v.name, shape], base), layout: 'tf' };
      }
      const name = this.node('Transpose', [v.name], base, [intsAttr('perm', NCHW_TO_NHWC)]);
      return { name, shape: v.shape, layout: 'tf' };
    });
  }

  private once(key: string, make: () => Value): Value {
    const known = this.converted.get(key);
    if (known) return known;
    const v = make();
    this.converted.set(key, v);
    return v;
  }
}
