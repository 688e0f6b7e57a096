import type { NodeProto, TensorProto } from './proto.ts';
import { floatTensor, int64Tensor } from './proto.ts';

/**
 * Batch-norm folding: an inference-mode BatchNormalization is a per-channel affine map, y = s * x + t with
 * s = gamma / sqrt(var + epsilon) and t = beta - mean * s, so when it reads the output of a Gemm, Conv or
 * ConvTranspose with constant weights it can be written into them instead: W' = W * s on the output-channel
 * axis, b' = (b - mean) * s + beta (Ioffe and Szegedy, "Batch Normalization", section 3.2, inference; the same
 * fold as TensorFlow's and PyTorch's export optimisers). One node fewer and one pass over the activations fewer
 * per BatchNormalization. onnxruntime fuses Conv + BatchNormalization itself, but not ConvTranspose or Gemm ones,
 * which is what a DCGAN generator has.
 *
 * Also folded: Gemm -> Reshape [N, H, W, C] -> Transpose to NCHW -> BatchNormalization (a generator's projection,
 * reshaped from tfjs' NHWC order). The Gemm's columns are then permuted into NCHW order and reshaped to
 * [N, C, H, W] directly, so the Transpose goes as well.
 *
 * Only where nothing else reads what is folded away (each intermediate value and weight has that one reader, and
 * is not a graph output). The values change by float32 rounding only (a few ulps); the export's parity check
 * against tfjs still applies. Edits `nodes` and `initializers` in place; returns how many were folded.
 */
export function foldBatchNorms(
  nodes: NodeProto[],
  initializers: TensorProto[],
  graphOutputs: readonly string[] = [],
): number {
  const graph = new FoldableGraph(nodes, initializers, graphOutputs);
  let folded = 0;
  for (const bn of nodes.filter((n) => n.opType === 'BatchNormalization')) {
    if (foldOne(graph, bn)) folded++;
  }
  return folded;
}

/** A BatchNormalization as y = scale[c] * x + shift[c], per channel c. */
interface Affine {
  readonly scale: Float64Array;
  readonly shift: Float64Array;
}

/** The per-channel scale and shift of a BatchNormalization whose four parameters are initializers. */
function affineOf(graph: FoldableGraph, bn: NodeProto): Affine | undefined {
  const inputs = bn.input ?? [];
  if (inputs.length !== 5 || (bn.output ?? []).length !== 1) return undefined;
  if ((bn.attribute ?? []).some((a) => a.name === 'training_mode' && Number(a.i ?? 0) !== 0))
    return undefined;
  const params = inputs.slice(1).map((name) => graph.constant(name));
  if (params.some((p) => p === undefined)) return undefined;
  const [gamma, beta, mean, variance] = params as Float32Array[];
  const channels = gamma!.length;
  if ([beta, mean, variance].some((p) => p!.length !== channels)) return undefined;
  const epsilonAttr = (bn.attribute ?? []).find((a) => a.name === 'epsilon');
  const epsilon = epsilonAttr?.f ?? 1e-5;
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = gamma![c]! / Math.sqrt(variance![c]! + epsilon);
    shift[c] = beta![c]! - mean![c]! * scale[c]!;
  }
  return { scale, shift };
}

function foldOne(graph: FoldableGraph, bn: NodeProto): boolean {
  const x = bn.input![0]!;
  const affine = affineOf(graph, bn);
  const producer = graph.soleProducerFor(x);
  if (!affine || !producer) return false;
  switch (producer.opType) {
    case 'Conv':
    case 'ConvTranspose':
      return foldIntoConv(graph, producer, bn, affine);
    case 'Gemm':
      return foldIntoGemm(graph, producer, undefined, bn, affine);
    case 'Transpose': {
      // Gemm -> Reshape [-1, H, W, C] -> Transpose [0, 3, 1, 2] -> BatchNormalization.
      const perm = intsOf(producer, 'perm');
      const reshape = graph.soleProducerFor(producer.input![0]!);
      if (perm.join(',') !== '0,3,1,2' || reshape?.opType !== 'Reshape') return false;
      const gemm = graph.soleProducerFor(reshape.input![0]!);
      if (gemm?.opType !== 'Gemm') return false;
      return foldIntoGemm(graph, gemm, { reshape, transpose: producer }, bn, affine);
    }
    default:
      return false;
  }
}

/** Conv weight [Cout, Cin/g, kh, kw]; ConvTranspose weight [Cin, Cout/g, kh, kw] (group 1 only). */
function foldIntoConv(graph: FoldableGraph, conv: NodeProto, bn: NodeProto, a: Affine): boolean {
  const group = Number((conv.attribute ?? []).find((x) => x.name === 'group')?.i ?? 1);
  if (group > 1) return false;
  const [, wName, bName] = conv.input ?? [];
  const w = wName === undefined ? undefined : graph.ownConstant(wName, conv);
  const dims = wName === undefined ? [] : graph.dims(wName);
  if (!w || dims.length !== 4) return false;
  const transposed = conv.opType === 'ConvTranspose';
  const channels = transposed ? dims[1]! : dims[0]!;
  if (channels !== a.scale.length) return false;
  const bias = bName ? graph.ownConstant(bName, conv) : new Float32Array(channels);
  if (!bias || bias.length !== channels) return false;
  const spatial = dims[2]! * dims[3]!;
  const scaled = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const c = transposed ? Math.floor(i / spatial) % channels : Math.floor(i / (w.length / channels));
    scaled[i] = w[i]! * a.scale[c]!;
  }
  graph.replaceConstant(wName!, dims, scaled);
  const newBias = foldedBias(bias, a);
  if (bName) graph.replaceConstant(bName, [channels], newBias);
  else conv.input = [...conv.input!, graph.addConstant(`${conv.name ?? 'conv'}/folded_bias`, newBias)];
  graph.bypass(bn, conv);
  return true;
}

/**
 * Gemm (transB 0: weight [K, M]; alpha 1; C a vector [M] or absent), its outputs the BatchNormalization's channels,
 * or, through Reshape [-1, H, W, C] and Transpose to NCHW, column j holding channel j % C.
 */
function foldIntoGemm(
  graph: FoldableGraph,
  gemm: NodeProto,
  layout: { reshape: NodeProto; transpose: NodeProto } | undefined,
  bn: NodeProto,
  a: Affine,
): boolean {
  const attr = (name: string, fallback: number) => {
    const found = (gemm.attribute ?? []).find((x) => x.name === name);
    // AttributeProto.type 1 = FLOAT (alpha, beta), otherwise INT (transA, transB).
    return found ? Number(found.type === 1 ? found.f : found.i) : fallback;
  };
  if (attr('transB', 0) !== 0 || attr('transA', 0) !== 0 || attr('alpha', 1) !== 1 || attr('beta', 1) !== 1)
    return false;
  const [, wName, cName] = gemm.input ?? [];
  const w = wName === undefined ? undefined : graph.ownConstant(wName, gemm);
  const dims = wName === undefined ? [] : graph.dims(wName);
  if (!w || dims.length !== 2) return false;
  const [k, m] = dims as [number, number];
  const channels = a.scale.length;
  let spatial = 1;
  let shape: number[] | undefined;
  if (layout) {
    shape = graph.constantInts(layout.reshape.input![1]!, layout.reshape);
    if (!shape || shape.length !== 4 || shape[0] !== -1 || shape[3] !== channels) return false;
    spatial = shape[1]! * shape[2]!;
  }
  if (m !== channels * spatial) return false;
  const c = cName ? graph.ownConstant(cName, gemm) : new Float32Array(m);
  if (!c || c.length !== m) return false;
  // Column j (NHWC order: position p = floor(j / C), channel j % C) goes to column j' in NCHW order
  // (channel * spatial + p), or stays where it is without a layout to undo.
  const target = (j: number) => (layout ? (j % channels) * spatial + Math.floor(j / channels) : j);
  const newW = new Float32Array(w.length);
  const newC = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const ch = j % channels;
    const s = a.scale[ch]!;
    const to = target(j);
    for (let r = 0; r < k; r++) newW[r * m + to] = w[r * m + j]! * s;
    newC[to] = c[j]! * s + a.shift[ch]!;
  }
  graph.replaceConstant(wName!, [k, m], newW);
  if (cName) graph.replaceConstant(cName, [m], newC);
  else gemm.input = [...gemm.input!, graph.addConstant(`${gemm.name ?? 'gemm'}/folded_bias`, newC)];
  if (!layout) {
    graph.bypass(bn, gemm);
    return true;
  }
  graph.replaceInts(layout.reshape.input![1]!, [-1, channels, shape![1]!, shape![2]!]);
  graph.remove(layout.transpose);
  graph.bypass(bn, layout.reshape);
  return true;
}

function foldedBias(bias: Float32Array, a: Affine): Float32Array {
  const out = new Float32Array(bias.length);
  for (let c = 0; c < bias.length; c++) out[c] = bias[c]! * a.scale[c]! + a.shift[c]!;
  return out;
}

function intsOf(node: NodeProto, name: string): number[] {
  return ((node.attribute ?? []).find((a) => a.name === name)?.ints ?? []).map(Number);
}

/** A little-endian view of an initializer's raw_data, if it holds its values there. */
function rawView(t: TensorProto): DataView | undefined {
  const raw = t.rawData;
  return raw && raw.length > 0 ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
}

/** The graph's nodes and constants, with who reads what. */
class FoldableGraph {
  constructor(
    private readonly nodes: NodeProto[],
    private readonly initializers: TensorProto[],
    private readonly graphOutputs: readonly string[],
  ) {}

  private readers(value: string): NodeProto[] {
    return this.nodes.filter((n) => (n.input ?? []).includes(value));
  }

  private initializer(name: string): TensorProto | undefined {
    return this.initializers.find((t) => t.name === name);
  }

  /** The node that writes `value`, if `value` is not a graph output and that node's only output has one reader. */
  soleProducerFor(value: string): NodeProto | undefined {
    if (this.graphOutputs.includes(value) || this.readers(value).length !== 1) return undefined;
    const producer = this.nodes.find((n) => (n.output ?? []).includes(value));
    return producer && producer.output!.length === 1 ? producer : undefined;
  }

  dims(name: string): number[] {
    return (this.initializer(name)?.dims ?? []).map(Number);
  }

  /** A float32 initializer's values (raw_data or float_data). */
  constant(name: string): Float32Array | undefined {
    const t = this.initializer(name);
    if (!t || t.dataType !== 1) return undefined;
    const raw = rawView(t);
    if (raw) return Float32Array.from({ length: raw.byteLength / 4 }, (_, i) => raw.getFloat32(i * 4, true));
    return Float32Array.from(t.floatData ?? []);
  }

  /** Whether `reader` is the one node that reads `name` (so it can be rewritten for it). */
  private readOnlyBy(name: string, reader: NodeProto): boolean {
    const readers = this.readers(name);
    return readers.length === 1 && readers[0] === reader;
  }

  /** A float32 initializer that only `reader` reads. */
  ownConstant(name: string, reader: NodeProto): Float32Array | undefined {
    return this.readOnlyBy(name, reader) ? this.constant(name) : undefined;
  }

  /** An int64 initializer's values, if only `reader` reads it. */
  constantInts(name: string, reader: NodeProto): number[] | undefined {
    const t = this.initializer(name);
    if (!t || t.dataType !== 7 || !this.readOnlyBy(name, reader)) return undefined;
    const raw = rawView(t);
    if (raw)
      return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(raw.getBigInt64(i * 8, true)));
    return (t.int64Data ?? []).map(Number);
  }

  replaceConstant(name: string, dims: readonly number[], values: Float32Array): void {
    this.put(floatTensor(name, dims, values));
  }

  replaceInts(name: string, values: readonly number[]): void {
    this.put(int64Tensor(name, values));
  }

  /** Puts `t` in place of the initializer of the same name. */
  private put(t: TensorProto): void {
    this.initializers[this.initializers.findIndex((x) => x.name === t.name)] = t;
  }

  addConstant(base: string, values: Float32Array): string {
    const taken = new Set([
      ...this.initializers.map((t) => t.name),
      ...this.nodes.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ]);
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    this.initializers.push(floatTensor(name, [values.length], values));
    return name;
  }

  /** Removes `bn` (and its parameters, if nothing else reads them); `producer` writes bn's output instead. */
  bypass(bn: NodeProto, producer: NodeProto): void {
    producer.output = [bn.output![0]!];
    this.remove(bn);
    for (const p of bn.input!.slice(1)) {
      if (this.readers(p).length === 0) {
        const i = this.initializers.findIndex((t) => t.name === p);
        if (i >= 0) this.initializers.splice(i, 1);
      }
    }
  }

  remove(node: NodeProto): void {
    this.nodes.splice(this.nodes.indexOf(node), 1);
  }
}
