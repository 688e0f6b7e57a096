import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

/** The ONNX runtimes an export is checked in. */
export type RuntimeName = 'onnxruntime-node' | 'onnxruntime-web';
export const RUNTIMES: readonly RuntimeName[] = ['onnxruntime-node', 'onnxruntime-web'];

export interface RunRequest {
  readonly model: Uint8Array;
  readonly inputName: string;
  readonly outputName: string;
  readonly input: Float32Array;
  readonly dims: readonly number[];
}

export interface RunResult {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** onnxruntime-node on its CPU execution provider. */
export async function runOrtNode(req: RunRequest): Promise<RunResult> {
  const session = await ortNode.InferenceSession.create(req.model, { executionProviders: ['cpu'] });
  try {
    const feeds = { [req.inputName]: new ortNode.Tensor('float32', req.input, req.dims) };
    const out = (await session.run(feeds))[req.outputName];
    if (!out) throw new Error(`onnxruntime-node: no output '${req.outputName}'`);
    return { data: Float32Array.from(out.data as Float32Array), dims: [...out.dims] };
  } finally {
    await session.release();
  }
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
  try {
    const feeds = { [req.inputName]: new ortWeb.Tensor('float32', req.input, req.dims) };
    const out = (await session.run(feeds))[req.outputName];
    if (!out) throw new Error(`onnxruntime-web: no output '${req.outputName}'`);
    return { data: Float32Array.from(out.data as Float32Array), dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

export const RUNNERS: Readonly<Record<RuntimeName, (req: RunRequest) => Promise<RunResult>>> = {
  'onnxruntime-node': runOrtNode,
  'onnxruntime-web': runOrtWeb,
};
