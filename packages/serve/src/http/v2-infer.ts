import { GanforgeError } from '@ganforge/core';
import type { ImageBatch } from '../render/images.ts';
import { classListing, resolveClass } from './classes.ts';
import { checkModelLimit, type ReadyEntry, type ServeContext } from './context.ts';

/**
 * The checks of an Open Inference Protocol infer request that its REST route (routes-v2.ts) and its gRPC
 * ModelInfer (grpc/model-infer.ts) share, with the same messages; both run them in this order, after
 * readyModel() and the request schema (schemas.ts v2Infer):
 *   v2InputHeads = v2Inputs (which input is which) -> v2InputRows (name, datatype, shape, N) -> v2ClassRows (a
 * class-conditional model's class tensor: datatype, shape [N]) -> admission -> checkV2Latents (count,
 * finite) -> checkV2Classes (count, each a class id) -> checkV2Outputs -> generate() -> v2OutputTensor.
 * Only where the numbers come from differs: REST's `data`, gRPC's `contents` or `raw_input_contents`.
 */

function invalid(message: string): GanforgeError {
  return new GanforgeError('invalid_request', message, { status: 400 });
}

/** An input tensor's header, as the checks see it. */
export interface V2InputHead {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
}

/** One input of a request and its place in the request's `inputs`. */
export interface V2Placed<T> {
  readonly tensor: T;
  readonly index: number;
}

/**
 * Which input is which: the latent, and for a class-conditional model its class ids (by name, in either
 * order). An unconditional model takes exactly one input (checked by name in v2InputRows).
 */
export function v2Inputs<T extends V2InputHead>(
  e: ReadyEntry,
  inputs: readonly T[],
): { latent: V2Placed<T>; classes?: V2Placed<T> } {
  const latentName = e.spec.inputName;
  const cond = e.spec.conditioning;
  if (!cond) {
    if (inputs.length !== 1)
      throw invalid(
        `inputs: model '${e.name}' takes one input, '${latentName}' (it is not class-conditional), got ${inputs.length}`,
      );
    return { latent: { tensor: inputs[0]!, index: 0 } };
  }
  const found = new Map<string, V2Placed<T>>();
  inputs.forEach((tensor, index) => {
    if (tensor.name !== latentName && tensor.name !== cond.inputName)
      throw invalid(
        `inputs[${index}].name: expected '${latentName}' or '${cond.inputName}', got '${tensor.name}'`,
      );
    if (found.has(tensor.name)) throw invalid(`inputs[${index}].name: '${tensor.name}' is given twice`);
    found.set(tensor.name, { tensor, index });
  });
  const latent = found.get(latentName);
  if (!latent) throw invalid(`inputs: no input '${latentName}' (the latent, FP32 [N, ${e.spec.latentDim}])`);
  const classes = found.get(cond.inputName);
  if (!classes)
    throw invalid(
      `inputs: model '${e.name}' is class-conditional: give its class ids as a second input '${cond.inputName}' (INT64 [N]); this model's classes are ${classListing(cond.classes)}`,
    );
  return { latent, classes };
}

/**
 * Checks inputs[0]'s name and shape ([N, latent size]) against model `e`, N against the server's --max-n
 * and the model's own limit; returns N, the number of latents (so admission can run before they are read).
 */
export function v2InputRows(ctx: ServeContext, e: ReadyEntry, input: V2InputHead, index = 0): number {
  const d = e.spec.latentDim;
  const at = `inputs[${index}]`;
  if (input.name !== e.spec.inputName) {
    throw invalid(`${at}.name: expected '${e.spec.inputName}', got '${input.name}'`);
  }
  if (input.datatype !== 'FP32') throw invalid(`${at}.datatype: the latent is FP32, got '${input.datatype}'`);
  if (input.shape.length !== 2 || input.shape[1] !== d) {
    throw invalid(`${at}.shape: expected [N, ${d}], got [${input.shape.join(', ')}]`);
  }
  const n = input.shape[0]!;
  if (n < 1 || n > ctx.maxFrames) throw invalid(`${at}.shape: N must be 1..${ctx.maxFrames}, got ${n}`);
  checkModelLimit(e, n, `${at}.shape`, `N is ${n}`);
  return n;
}

/**
 * The headers of an infer request's inputs, checked in turn (v2Inputs, v2InputRows, v2ClassRows): which
 * input is which, and N, the number of latents.
 */
export function v2InputHeads<T extends V2InputHead>(
  ctx: ServeContext,
  e: ReadyEntry,
  inputs: readonly T[],
): { latent: V2Placed<T>; classes?: V2Placed<T>; n: number } {
  const { latent, classes } = v2Inputs(e, inputs);
  const n = v2InputRows(ctx, e, latent.tensor, latent.index);
  if (!classes) return { latent, n };
  v2ClassRows(classes.tensor, classes.index, n);
  return { latent, classes, n };
}

/** Checks a class-conditional model's class tensor header: INT64 or INT32, shape [n] (one id per latent). */
export function v2ClassRows(input: V2InputHead, index: number, n: number): void {
  const at = `inputs[${index}]`;
  if (input.datatype !== 'INT64' && input.datatype !== 'INT32')
    throw invalid(
      `${at}.datatype: the class input '${input.name}' is INT64 (or INT32), got '${input.datatype}'`,
    );
  if (input.shape.length !== 1 || input.shape[0] !== n)
    throw invalid(`${at}.shape: expected [${n}] (one class id per latent), got [${input.shape.join(', ')}]`);
}

/**
 * The n class ids in `values`, each a class of model `e` (400 listing its classes otherwise); `where`
 * names them in the message.
 */
export function checkV2Classes(
  e: ReadyEntry,
  values: ArrayLike<unknown>,
  n: number,
  where: string,
): Int32Array {
  const cond = e.spec.conditioning!;
  if (values.length !== n) throw invalid(`${where}: expected ${n} class ids, got ${values.length}`);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw invalid(`${where}[${i}]: expected a class id (an integer)`);
    ids[i] = resolveClass(cond, v, `${where}[${i}]`);
  }
  return ids;
}

/** Checks that `values` are the n x d finite numbers of shape [n, d]; `where` names them in the message. */
export function checkV2Latents(
  values: ArrayLike<unknown>,
  n: number,
  d: number,
  where = 'inputs[0].data',
): void {
  if (values.length !== n * d) {
    throw new GanforgeError(
      'invalid_request',
      `${where}: expected ${n * d} numbers for shape [${n}, ${d}], got ${values.length}`,
      { status: 400 },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new GanforgeError('invalid_request', `${where}[${i}]: expected a finite number`, { status: 400 });
  }
}

/** Checks the requested outputs: the model has one, its outputName. */
export function checkV2Outputs(
  e: ReadyEntry,
  outputs: readonly { readonly name: string }[] | undefined,
): void {
  for (const o of outputs ?? []) {
    if (o.name !== e.spec.outputName) {
      throw new GanforgeError(
        'invalid_request',
        `outputs: unknown output '${o.name}' (the model has '${e.spec.outputName}')`,
        { status: 400 },
      );
    }
  }
}

/** The output tensor's name, datatype and shape (NHWC) for a generated batch. */
export function v2OutputTensor(
  e: ReadyEntry,
  batch: ImageBatch,
): { name: string; datatype: 'FP32'; shape: number[] } {
  return {
    name: e.spec.outputName,
    datatype: 'FP32',
    shape: [batch.n, batch.height, batch.width, batch.channels],
  };
}
