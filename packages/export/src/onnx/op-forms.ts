/**
 * The ONNX ops ganforge writes, each in the one form it writes it, with the default-domain opsets in
 * which that form is valid (from the version history of each op in the ONNX operator docs). A form's
 * range ends only where ONNX changed the op in a way that breaks the form (ReduceMean's `axes` became
 * an input at opset 18); versions that only widened the types it accepts do not end it.
 */

/** An inclusive range of ONNX default-domain opset versions; no `max` = valid in every opset since `min`. */
export interface OpsetRange {
  readonly min: number;
  readonly max?: number;
}

/** One ONNX op in the form ganforge writes it. */
export interface OpForm extends OpsetRange {
  readonly op: string;
  /** What in the form sets its range, for error messages. */
  readonly form: string;
}

function form(op: string, min: number, what: string, max?: number): OpForm {
  return max === undefined ? { op, min, form: what } : { op, min, max, form: what };
}

export const OP_FORMS = {
  Add: form('Add', 7, 'multidirectional broadcasting, no broadcast attribute'),
  BatchNormalization: form('BatchNormalization', 9, 'inference: 5 inputs, 1 output, no spatial attribute'),
  Concat: form('Concat', 4, 'axis attribute'),
  Conv: form('Conv', 1, 'explicit pads'),
  ConvTranspose: form('ConvTranspose', 1, 'explicit pads and output_padding'),
  Elu: form('Elu', 6, 'no consumed_inputs attribute'),
  Expand: form('Expand', 8, 'shape as an input'),
  Flatten: form('Flatten', 1, 'axis attribute'),
  // Negative indices count from the end from opset 11 on; ganforge's class indices are never negative (serving
  // rejects them), so the form is valid from the first Gather.
  Gather: form('Gather', 1, 'axis attribute, int64 indices'),
  Gemm: form('Gemm', 11, 'C (bias) input optional'),
  Identity: form('Identity', 1, 'one input'),
  LeakyRelu: form('LeakyRelu', 6, 'no consumed_inputs attribute'),
  MatMul: form('MatMul', 1, 'numpy matmul'),
  Mul: form('Mul', 7, 'multidirectional broadcasting, no broadcast attribute'),
  ReduceMean: form('ReduceMean', 1, "'axes' as an attribute (an input from opset 18)", 17),
  Relu: form('Relu', 6, 'no consumed_inputs attribute'),
  Reshape: form('Reshape', 5, 'shape as an int64 input'),
  Shape: form('Shape', 1, 'whole shape, no start/end attributes'),
  Sigmoid: form('Sigmoid', 6, 'no consumed_inputs attribute'),
  Slice: form('Slice', 10, 'starts, ends and axes as inputs'),
  Sqrt: form('Sqrt', 6, 'no consumed_inputs attribute'),
  Sub: form('Sub', 7, 'multidirectional broadcasting, no broadcast attribute'),
  Tanh: form('Tanh', 6, 'no consumed_inputs attribute'),
  Transpose: form('Transpose', 1, 'perm attribute'),
} as const satisfies Record<string, OpForm>;

/** 'opsets 11+', 'opsets 1..17'. */
export function formatRange(r: OpsetRange): string {
  return r.max === undefined ? `opsets ${r.min}+` : `opsets ${r.min}..${r.max}`;
}

export function inRange(opset: number, r: OpsetRange): boolean {
  return opset >= r.min && (r.max === undefined || opset <= r.max);
}

/** The opsets in which every one of `forms` is valid (min > max when there are none). */
export function commonRange(forms: readonly OpsetRange[]): OpsetRange {
  let min = 1;
  let max: number | undefined;
  for (const f of forms) {
    min = Math.max(min, f.min);
    if (f.max !== undefined) max = max === undefined ? f.max : Math.min(max, f.max);
  }
  return max === undefined ? { min } : { min, max };
}
