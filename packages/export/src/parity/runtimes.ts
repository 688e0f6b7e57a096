import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

/** The ONNX runtimes an export is checked in. */
export type RuntimeName = 'onnxruntime-node' | 'onnxruntime-web';
export const RUNTIMES: readonly RuntimeName[] = ['onnxruntime-node', 'onnxruntime-web'];

/** The class ids of a conditional model, fed as its int64 [N] graph input `name`. */
export interface ClassFeed {
  readonly name: string;
  readonly values: readonly number[];
}

export interface RunRequest {
  readonly model: Uint8Array;
  readonly inputName: string;
  readonly outputName: string;
  readonly input: Float32Array;
  readonly dims: readonly number[];
  /** The second input of a conditional model (one class id per sample of `input`). */
  readonly classes?: ClassFeed;
}

/** The ONNX Runtime Tensor class of either package (their API is the same). */
type TensorClass = typeof ortNode.Tensor | typeof ortWeb.Tensor;

/** The feeds of one run: the float input and, for a conditional model, the class ids as int64 (BigInt64Array). */
export function feedsOf<T extends TensorClass>(Tensor: T, req: RunRequest): Record<string, InstanceType<T>> {
  const feeds: Record<string, InstanceType<T>> = {
    [req.inputName]: new Tensor('float32', req.input, req.dims) as InstanceType<T>,
  };
  if (req.classes) {
    const ids = BigInt64Array.from(req.classes.values, (c) => BigInt(c));
    feeds[req.classes.name] = new Tensor('int64', ids, [ids.length]) as InstanceType<T>;
  }
  return feeds;
}

export interface RunResult {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Runs `req` once on a fresh session of either package, then releases the session. */
async function runOnce(
  runtime: RuntimeName,
  session: ortNode.InferenceSession | ortWeb.InferenceSession,
  Tensor: TensorClass,
  req: RunRequest,
): Promise<RunResult> {
  try {
    const out = (await session.run(feedsOf(Tensor, req)))[req.outputName];
    if (!out) throw new Error(`${runtime}: no output '${req.outputName}'`);
    return { data: Float32Array.from(out.data as Float32Array), dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

/** onnxruntime-node on its CPU execution provider. */
export async function runOrtNode(req: RunRequest): Promise<RunResult> {
  const session = await ortNode.InferenceSession.create(req.model, { executionProviders: ['cpu'] });
  return runOnce('onnxruntime-node', session, ortNode.Tensor, req);
}

/** Directory holding onnxruntime-web's .wasm/.mjs files (the package's dist/, never a CDN). */
export function ortWebDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
}

/**
 * onnxruntime-web on its wasm execution provider, running in Node: the wasm files come from the installed package
 * and one thread is used (threads need a cross-origin-isolated page in browsers; one keeps Node and browser alike).
 * ort.env is onnxruntime-web's own process-wide settings object; we set the same values every time.
 */
export async function runOrtWeb(req: RunRequest): Promise<RunResult> {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.wasm.wasmPaths = pathToFileURL(`${ortWebDistDir()}/`).href;
  const session = await ortWeb.InferenceSession.create(req.model, { executionProviders: ['wasm'] });
  return runOnce('onnxruntime-web', session, ortWeb.Tensor, req);
}

export const RUNNERS: Readonly<Record<RuntimeName, (req: RunRequest) => Promise<RunResult>>> = {
  'onnxruntime-node': runOrtNode,
  'onnxruntime-web': runOrtWeb,
};
