import * as ort from 'onnxruntime-node';
import { onnx } from './onnx/proto.ts';
import { intsAttr } from './onnx/proto.ts';

const base = Number(process.env.BASE ?? 64);
const T = Number(process.env.T ?? 1);
const F = onnx.TensorProto.DataType.FLOAT;
const vi = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
function model(nodes: any[], inputs: any[], outputs: any[]) {
  const m = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 18 }], graph: { name: 'g', node: nodes, input: inputs, output: outputs } });
  return onnx.ModelProto.encode(m).finish();
}
const c2 = base * 2;
// Conv A NHWC: x [64,14,14,base], w [4,4,base,c2] -> y [64,7,7,c2]
const convA = model(
  [
    { opType: 'Transpose', input: ['x'], output: ['xn'], attribute: [intsAttr('perm', [0, 3, 1, 2])] },
    { opType: 'Transpose', input: ['w'], output: ['wn'], attribute: [intsAttr('perm', [3, 2, 0, 1])] },
    { opType: 'Conv', input: ['xn', 'wn'], output: ['yn'], attribute: [intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 1, 1])] },
    { opType: 'Transpose', input: ['yn'], output: ['y'], attribute: [intsAttr('perm', [0, 2, 3, 1])] },
  ],
  [vi('x', [64, 14, 14, base]), vi('w', [4, 4, base, c2])],
  [vi('y', [64, 7, 7, c2])],
);
// ConvTranspose A: dy [64,7,7,c2], w [4,4,base,c2] -> dx [64,14,14,base]; ONNX ConvTranspose W [C_in=c2, C_out=base, kh, kw]
const tconvA = model(
  [
    { opType: 'Transpose', input: ['x'], output: ['xn'], attribute: [intsAttr('perm', [0, 3, 1, 2])] },
    { opType: 'Transpose', input: ['w'], output: ['wn'], attribute: [intsAttr('perm', [3, 2, 0, 1])] },
    { opType: 'ConvTranspose', input: ['xn', 'wn'], output: ['yn'], attribute: [intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 1, 1])] },
    { opType: 'Transpose', input: ['yn'], output: ['y'], attribute: [intsAttr('perm', [0, 2, 3, 1])] },
  ],
  [vi('x', [64, 7, 7, c2]), vi('w', [4, 4, base, c2])],
  [vi('y', [64, 14, 14, base])],
);
// Filter gradient A as dilated conv: x' = transpose(x,[3,1,2,0]) [C,H,W,N]; f' = transpose(dy,[1,2,0,3]) [OH,OW,N,CO]; out [C,KH,KW,CO] -> transpose [1,2,0,3]
// In NCHW: input x'' = transpose(x, [3,0,1,2]) : [C, N, H, W] ; filter f'' [CO, N, OH, OW] = transpose(dy, [3,0,1,2]); out [C, CO, KH, KW] -> dW[kh,kw,ci,co] = perm [2,3,0,1]
const gradA = model(
  [
    { opType: 'Transpose', input: ['x'], output: ['xn'], attribute: [intsAttr('perm', [3, 0, 1, 2])] },
    { opType: 'Transpose', input: ['dy'], output: ['dyn'], attribute: [intsAttr('perm', [3, 0, 1, 2])] },
    { opType: 'Conv', input: ['xn', 'dyn'], output: ['yn'], attribute: [intsAttr('dilations', [2, 2]), intsAttr('pads', [1, 1, 1, 1])] },
    { opType: 'Transpose', input: ['yn'], output: ['y'], attribute: [intsAttr('perm', [2, 3, 0, 1])] },
  ],
  [vi('x', [64, 14, 14, base]), vi('dy', [64, 7, 7, c2])],
  [vi('y', [4, 4, base, c2])],
);
const rnd = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const variants: [string, ort.InferenceSession, Record<string, ort.Tensor>][] = [];
async function time(name: string, bytes: Uint8Array, feeds: Record<string, ort.Tensor>, flops: number, t = T, extra: object = {}) {
  variants.push([name + ' t' + t, await ort.InferenceSession.create(bytes, { intraOpNumThreads: t, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...extra }), feeds]);
  return;
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: T, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...(process.env.NOSPIN ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}) });
  for (let i = 0; i < 3; i++) await s.run(feeds);
  const ts: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await s.run(feeds);
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  const m = ts[7]!;
  console.log(`${name.padEnd(12)} median ${m.toFixed(2)} ms  ${(flops / m / 1e6).toFixed(1)} GFLOP/s`);
}
const fl0 = 0;
const fl = 64 * 49 * c2 * 16 * base * 2;
const x = new ort.Tensor('float32', rnd(64 * 14 * 14 * base), [64, 14, 14, base]);
const w = new ort.Tensor('float32', rnd(16 * base * c2), [4, 4, base, c2]);
const dy = new ort.Tensor('float32', rnd(64 * 49 * c2), [64, 7, 7, c2]);
await time('conv A', convA, { x, w }, fl);
await time('tconv A', tconvA, { x: dy, w }, fl);
await time('grad A', gradA, { x, dy }, fl);

// parallel halves
const half = model(
  [
    { opType: 'Transpose', input: ['x'], output: ['xn'], attribute: [intsAttr('perm', [0, 3, 1, 2])] },
    { opType: 'Transpose', input: ['w'], output: ['wn'], attribute: [intsAttr('perm', [3, 2, 0, 1])] },
    { opType: 'Split', input: ['xn'], output: ['x1', 'x2'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }, { name: 'num_outputs', type: onnx.AttributeProto.AttributeType.INT, i: 2 }] },
    { opType: 'Conv', input: ['x1', 'wn'], output: ['y1'], attribute: [intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 1, 1])] },
    { opType: 'Conv', input: ['x2', 'wn'], output: ['y2'], attribute: [intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 1, 1])] },
    { opType: 'Concat', input: ['y1', 'y2'], output: ['yn'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
    { opType: 'Transpose', input: ['yn'], output: ['y'], attribute: [intsAttr('perm', [0, 2, 3, 1])] },
  ],
  [vi('x', [64, 14, 14, base]), vi('w', [4, 4, base, c2])],
  [vi('y', [64, 7, 7, c2])],
);
{
  const s = await ort.InferenceSession.create(half, { intraOpNumThreads: 1, interOpNumThreads: 2, executionMode: 'parallel', graphOptimizationLevel: 'all' });
  for (let i = 0; i < 3; i++) await s.run({ x, w });
  const ts: number[] = [];
  for (let i = 0; i < 15; i++) { const t0 = performance.now(); await s.run({ x, w }); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  console.log('conv A halves parallel', ts[7]!.toFixed(2));
}
// im2col by slices + MatMul, NHWC throughout
{
  const I64 = onnx.TensorProto.DataType.INT64;
  const i64 = (name: string, vals: number[]) => { const b = new Uint8Array(vals.length * 8); const v = new DataView(b.buffer); vals.forEach((x, i) => v.setBigInt64(i * 8, BigInt(x), true)); return { name, dims: [vals.length], dataType: I64, rawData: b }; };
  const inits: any[] = [i64('pads', [0, 1, 1, 0, 0, 1, 1, 0]), i64('axes', [1, 2]), i64('steps', [2, 2]), i64('shp', [64 * 49, 16 * base]), i64('wshp', [16 * base, c2]), i64('oshp', [64, 7, 7, c2])];
  const nodes: any[] = [{ opType: 'Pad', input: ['x', 'pads'], output: ['xp'] }];
  const cols: string[] = [];
  for (let kh = 0; kh < 4; kh++) for (let kw = 0; kw < 4; kw++) {
    inits.push(i64(`st${kh}${kw}`, [kh, kw]), i64(`en${kh}${kw}`, [kh + 2 * 6 + 1, kw + 2 * 6 + 1]));
    nodes.push({ opType: 'Slice', input: ['xp', `st${kh}${kw}`, `en${kh}${kw}`, 'axes', 'steps'], output: [`c${kh}${kw}`] });
    cols.push(`c${kh}${kw}`);
  }
  nodes.push({ opType: 'Concat', input: cols, output: ['cat'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 3 }] });
  nodes.push({ opType: 'Reshape', input: ['cat', 'shp'], output: ['cat2'] });
  nodes.push({ opType: 'Reshape', input: ['w', 'wshp'], output: ['w2'] });
  nodes.push({ opType: 'MatMul', input: ['cat2', 'w2'], output: ['y2'] });
  nodes.push({ opType: 'Reshape', input: ['y2', 'oshp'], output: ['y'] });
  const m = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 18 }], graph: { name: 'g', node: nodes, initializer: inits, input: [vi('x', [64, 14, 14, base]), vi('w', [4, 4, base, c2])], output: [vi('y', [64, 7, 7, c2])] } })).finish();
  const ref = (await (await ort.InferenceSession.create(convA)).run({ x, w })).y!.data as Float32Array;
  for (const t of [1, 2, 1, 2]) {
    const s = await ort.InferenceSession.create(m, { intraOpNumThreads: t, graphOptimizationLevel: 'all' });
    const got = (await s.run({ x, w })).y!.data as Float32Array;
    let md = 0; for (let i = 0; i < ref.length; i++) md = Math.max(md, Math.abs(ref[i]! - got[i]!));
    for (let i = 0; i < 3; i++) await s.run({ x, w });
    const ts: number[] = [];
    for (let i = 0; i < 15; i++) { const t0 = performance.now(); await s.run({ x, w }); ts.push(performance.now() - t0); }
    ts.sort((a, b) => a - b);
    console.log(`im2col conv A threads ${t}: ${ts[7]!.toFixed(2)} ms, maxdiff ${md}`);
  }
}
