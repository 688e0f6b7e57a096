import * as ort from 'onnxruntime-web';

/** What the element's `backend` attribute asks for. */
export type BackendPreference = 'wasm' | 'webgpu' | 'auto';
export type BackendName = 'wasm' | 'webgpu';

/** How onnxruntime-web ended up running: shown in the element and sent with every 'sample' event. */
export interface RuntimeInfo {
  readonly backend: BackendName;
  /** wasm threads (1 when the page is not cross-origin isolated). */
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  /** Why the runtime is not the one asked for, or runs single-threaded; undefined when nothing to say. */
  readonly note: string | undefined;
}

/** A generator output: NHWC float32 in [-1, 1]. */
export interface GeneratorOutput {
  readonly data: Float32Array;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

/**
 * onnxruntime-web's environment is one per page (it compiles the wasm once), so it is configured once:
 * the runtime files come from `assetBase/ort/` (our own server, never a CDN), and wasm threads are used
 * only where SharedArrayBuffer is available, i.e. in a cross-origin isolated page; elsewhere it runs on
 * one thread and says so.
 */
export function configureRuntime(assetBase: URL): { threads: number; isolated: boolean } {
  const isolated = globalThis.crossOriginIsolated === true;
  const wasm = ort.env.wasm;
  if (wasm.wasmPaths === undefined) {
    wasm.wasmPaths = new URL('ort/', assetBase).href;
    wasm.numThreads = isolated ? Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency || 1)) : 1;
    wasm.proxy = false;
    ort.env.logLevel = 'error';
  }
  return { threads: wasm.numThreads ?? 1, isolated };
}

/**
 * onnxruntime-web has one wasm instance per page, and overlapping calls into it from several sessions
 * (three <gan-sampler> elements starting together) fail with "Session mismatch". Every call into it goes
 * through this one queue, in order.
 */
let ortQueue: Promise<unknown> = Promise.resolve();
function serialized<T>(call: () => Promise<T>): Promise<T> {
  const result = ortQueue.then(call, call);
  ortQueue = result.catch(() => undefined);
  return result;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
}

async function webgpuAvailable(): Promise<boolean> {
  // globalThis.navigator: Node before 21 has none (the sampler controller's tests run there).
  const gpu = (globalThis.navigator as (Navigator & GpuNavigator) | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/**
 * An ONNX generator `latent [N, latentDim] (+ class int64 [N] when conditional) -> image [N, H, W, C]` in
 * onnxruntime-web.
 */
export class OnnxGenerator {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly runtime: RuntimeInfo,
  ) {}

  /**
   * Creates the session on WebGPU when asked for (or 'auto' and the browser offers an adapter),
   * falling back to wasm when WebGPU is missing or fails to create the session.
   */
  static async load(
    bytes: Uint8Array,
    preference: BackendPreference,
    assetBase: URL,
  ): Promise<OnnxGenerator> {
    const { threads, isolated } = configureRuntime(assetBase);
    const singleThreadNote = isolated
      ? undefined
      : 'single-threaded: this page is not cross-origin isolated (COOP/COEP), so wasm threads are off';
    let gpuNote: string | undefined;
    if (preference !== 'wasm') {
      if (await webgpuAvailable()) {
        try {
          const session = await serialized(() =>
            ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] }),
          );
          return new OnnxGenerator(session, {
            backend: 'webgpu',
            threads,
            crossOriginIsolated: isolated,
            note: undefined,
          });
        } catch (e) {
          gpuNote = `WebGPU failed (${errorText(e)}); using wasm`;
        }
      } else if (preference === 'webgpu') {
        gpuNote = 'WebGPU is not available in this browser; using wasm';
      }
    }
    const session = await serialized(() =>
      ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }),
    );
    const note = [gpuNote, singleThreadNote].filter((s) => s !== undefined).join('; ') || undefined;
    return new OnnxGenerator(session, { backend: 'wasm', threads, crossOriginIsolated: isolated, note });
  }

  /**
   * Runs n latent vectors (row-major, n * latentDim) through the generator. `names` are the card's
   * input/output names; the graph's first input/output is used when the graph lacks them. A
   * class-conditional model also takes `classIds`, one class id per sample (checked by the caller against
   * the card's classes), fed as int64 [n] to the card's conditioning input.
   */
  async run(
    latents: Float32Array,
    n: number,
    latentDim: number,
    names: { inputName: string; outputName: string; conditioning?: { input: string } | undefined },
    classIds?: readonly number[],
  ): Promise<GeneratorOutput> {
    const pick = (wanted: string, have: readonly string[]) => (have.includes(wanted) ? wanted : have[0]);
    const inputName = pick(names.inputName, this.session.inputNames);
    const outputName = pick(names.outputName, this.session.outputNames);
    if (inputName === undefined || outputName === undefined) {
      throw new Error('the model has no input or no output');
    }
    const feeds: Record<string, ort.Tensor> = {
      [inputName]: new ort.Tensor('float32', latents, [n, latentDim]),
    };
    const classInput = names.conditioning?.input;
    if (classInput !== undefined) {
      if (!this.session.inputNames.includes(classInput)) {
        throw new Error(`the card names a class input "${classInput}" that the model does not have`);
      }
      if (classIds?.length !== n) throw new Error(`${classIds?.length ?? 0} class ids for ${n} samples`);
      feeds[classInput] = new ort.Tensor(
        'int64',
        BigInt64Array.from(classIds, (c) => BigInt(c)),
        [n],
      );
    } else {
      const extra = this.session.inputNames.find((name) => name !== inputName);
      if (extra !== undefined) {
        throw new Error(
          `the model has a second input "${extra}" (a class-conditional generator?) but its card.json has no conditioning section`,
        );
      }
    }
    return serialized(async () => {
      const results = await this.session.run(feeds);
      const out = results[outputName];
      if (out === undefined) throw new Error(`the model returned no "${outputName}"`);
      try {
        const [bn, height, width, channels] = out.dims;
        if (out.dims.length !== 4 || bn !== n || (channels !== 1 && channels !== 3)) {
          throw new Error(`expected an NHWC image batch [${n}, H, W, 1|3], got [${out.dims.join(', ')}]`);
        }
        const data = (await out.getData()) as Float32Array;
        return { data: new Float32Array(data), n, height: height!, width: width!, channels };
      } finally {
        out.dispose();
      }
    });
  }

  async dispose(): Promise<void> {
    await serialized(() => this.session.release());
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
