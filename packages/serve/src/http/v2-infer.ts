import { GanforgeError } from '@ganforge/core';
import type { ImageBatch } from '../render/images.ts';
import { checkModelLimit, type ReadyEntry, type ServeContext } from './context.ts';

/**
 * The checks of an Open Inference Protocol infer request that its REST route (routes-v2.ts) and its gRPC
 * ModelInfer (grpc/model-infer.ts) share, with the same messages; both run them in this order, after
 * readyModel() and the request schema (schemas.ts v2Infer):
 *   v2InputRows (name, shape, N) -> admission -> checkV2Latents (count, finite) -> checkV2Outputs
 * -> generate() -> v2OutputTensor. Only where the numbers come from differs: REST's `data`, gRPC's
 * `contents.fp32_contents` or `raw_input_contents`.
 */

/**
 * Checks inputs[0]'s name and shape ([N, latent size]) against model `e`, N against the server's --max-n
 * and the model's own limit; returns N, the number of latents (so admission can run before they are read).
 */
export function v2InputRows(
  ctx: ServeContext,
  e: ReadyEntry,
  input: { readonly name: string; readonly shape: readonly number[] },
): number {
  const d = e.spec.latentDim;
  if (input.name !== e.spec.inputName) {
    throw new GanforgeError(
      'invalid_request',
      `inputs[0].name: expected '${e.spec.inputName}', got '${input.name}'`,
      { status: 400 },
    );
  }
  if (input.shape.length !== 2 || input.shape[1] !== d) {
    throw new GanforgeError(
      'invalid_request',
      `inputs[0].shape: expected [N, ${d}], got [${input.shape.join(', ')}]`,
      { status: 400 },
    );
  }
  const n = input.shape[0]!;
  if (n < 1 || n > ctx.maxFrames) {
    throw new GanforgeError('invalid_request', `inputs[0].shape: N must be 1..${ctx.maxFrames}, got ${n}`, {
      status: 400,
    });
  }
  checkModelLimit(e, n, 'inputs[0].shape', `N is ${n}`);
  return n;
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
