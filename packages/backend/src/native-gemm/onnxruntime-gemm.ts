/**
 * Runs one-op ONNX models (gemm-graphs.ts) on tensors of the wasm heap, synchronously, one cached
 * onnxruntime session per model (shape and geometry). Inputs are handed over as views of the heap
 * (no copy) and the output is written straight into a new heap tensor, except where the heap is a
 * SharedArrayBuffer (the threaded wasm binary): onnxruntime-node refuses shared memory
 * ("Invalid argument"), so there inputs are copied out and the output copied in.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, heapView } from '../wasm/heap.ts';
import type { NativeSession, NativeSessionOptions, OnnxruntimeNative } from './onnxruntime-native.ts';

/** Sessions kept per engine; a training step uses about six, a test grid a few hundred (oldest dropped first). */
const MAX_SESSIONS = 64;

export class OnnxruntimeGemm {
  private readonly sessions = new Map<string, NativeSession>();
  /** Models onnxruntime would not load, by key, with its reason: those calls stay on wasm. */
  private readonly refused = new Map<string, string>();
  private readonly options: NativeSessionOptions;

  /** `threads`: onnxruntime's intra-op threads (its own pool, not XNNPACK's). */
  constructor(
    private readonly native: OnnxruntimeNative,
    readonly threads: number,
  ) {
    this.options = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // The pool's threads would otherwise spin between kernels, on the cores the rest of the step runs on.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
  }

  /** e.g. "onnxruntime-node 1.30.0, 2 threads". */
  get description(): string {
    return `onnxruntime-node ${this.native.version}, ${this.threads} thread${this.threads === 1 ? '' : 's'}`;
  }

  /**
   * Runs the model named `key` (built by `build` the first time) on a and b; returns a new heap tensor
   * of `outShape`, or undefined when onnxruntime refuses the model (the caller's wasm kernel runs
   * instead; `refusedModels` says why). `dims`: the shapes the model sees, where they differ from the
   * tensors' (the same values read as another shape, e.g. [1, M, K] as [M, K]).
   */
  run(
    backend: KernelBackend,
    key: string,
    build: () => Uint8Array,
    a: TensorInfo,
    b: TensorInfo,
    outShape: readonly number[],
    dims: { readonly a: readonly number[]; readonly b: readonly number[]; readonly y: readonly number[] } = {
      a: a.shape,
      b: b.shape,
      y: outShape,
    },
  ): TensorInfo | undefined {
    const session = this.session(key, build);
    if (session === undefined) return undefined;
    const out = allocate(backend, [...outShape], 'float32');
    try {
      // Views after the last allocation: growing the heap would detach them.
      const av = heapView(backend, a) as Float32Array;
      const bv = heapView(backend, b) as Float32Array;
      const ov = heapView(backend, out) as Float32Array;
      const { Tensor } = this.native;
      const shared = typeof SharedArrayBuffer !== 'undefined' && ov.buffer instanceof SharedArrayBuffer;
      const feeds = {
        a: new Tensor('float32', shared ? av.slice() : av, [...dims.a]),
        b: new Tensor('float32', shared ? bv.slice() : bv, [...dims.b]),
      };
      if (shared) {
        const result = session.run(feeds, { y: null }, {});
        ov.set(result['y']!.data as Float32Array);
      } else {
        session.run(feeds, { y: new Tensor('float32', ov, [...dims.y]) }, {});
      }
      return out;
    } catch (e) {
      backend.disposeData(out.dataId);
      throw e;
    }
  }

  /** Sessions held now. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The keys of the sessions held now, least recently used first. */
  sessionKeys(): string[] {
    return [...this.sessions.keys()];
  }

  /** The models onnxruntime refused to load, by key, with its message. */
  refusedModels(): ReadonlyMap<string, string> {
    return this.refused;
  }

  /** Frees every session. */
  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }

  private session(key: string, build: () => Uint8Array): NativeSession | undefined {
    if (this.refused.has(key)) return undefined;
    const known = this.sessions.get(key);
    if (known !== undefined) {
      // Most recently used last: the first entry is the one to drop.
      this.sessions.delete(key);
      this.sessions.set(key, known);
      return known;
    }
    let created: NativeSession;
    try {
      created = this.native.createSession(build(), this.options);
    } catch (e) {
      this.refused.set(key, e instanceof Error ? e.message : String(e));
      return undefined;
    }
    this.sessions.set(key, created);
    if (this.sessions.size > MAX_SESSIONS) {
      const [oldest] = this.sessions;
      if (oldest !== undefined) {
        oldest[1].dispose();
        this.sessions.delete(oldest[0]);
      }
    }
    return created;
  }
}
