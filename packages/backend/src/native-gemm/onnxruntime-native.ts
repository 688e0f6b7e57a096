/**
 * onnxruntime-node's native binding, called synchronously. tfjs kernels must return their output
 * synchronously, and onnxruntime-node's public `InferenceSession.run` returns a promise (it calls the
 * binding's synchronous `run` inside a setImmediate). The binding itself (`dist/binding.js`, the
 * `InferenceSession` the public class wraps) loads a model and runs it synchronously, and writes
 * into output tensors it is given. Loaded through createRequire so that a machine without the
 * native library (an unsupported platform) gets `undefined` here, not a failed import.
 */
import { createRequire } from 'node:module';
import type { Tensor as OrtTensor } from 'onnxruntime-common';

const require = createRequire(import.meta.url);

/** What ganforge passes as session options (onnxruntime-node parses them natively). */
export interface NativeSessionOptions {
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly executionMode: 'sequential';
  readonly graphOptimizationLevel: 'all';
  readonly logSeverityLevel: number;
  readonly extra: { readonly session: { readonly intra_op: { readonly allow_spinning: '0' | '1' } } };
}

/** The binding's session object (onnxruntime-node 1.30, `binding.InferenceSession`). */
export interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: NativeSessionOptions): void;
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, OrtTensor | null>,
    options: Record<string, never>,
  ): Record<string, OrtTensor>;
  dispose(): void;
}

/** The pieces of onnxruntime-node that ganforge's native convolutions and matmuls use. */
export interface OnnxruntimeNative {
  readonly version: string;
  /** A loaded session for an ONNX model (throws what onnxruntime says when the model is refused). */
  createSession(model: Uint8Array, options: NativeSessionOptions): NativeSession;
  /** onnxruntime's tensor class (the one the binding reads feeds from and writes results into). */
  readonly Tensor: typeof OrtTensor;
}

interface BindingModule {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

/** onnxruntime-node's binding, or undefined with the reason when it does not load here. */
export function loadOnnxruntimeNative(): OnnxruntimeNative | { unavailable: string } {
  try {
    const ort = require('onnxruntime-node') as {
      Tensor: typeof OrtTensor;
      env: { versions: { node?: string } };
    };
    const { binding, initOrt } = require('onnxruntime-node/dist/binding') as BindingModule;
    initOrt();
    return {
      version: ort.env.versions.node ?? 'unknown',
      Tensor: ort.Tensor,
      createSession(model, options) {
        const session = new binding.InferenceSession();
        session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, options);
        return session;
      },
    };
  } catch (e) {
    return { unavailable: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}
