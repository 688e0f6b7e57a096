/**
 * Multithreaded tfjs-backend-wasm in Node.
 *
 * tfjs 4.22 turns wasm threads off in Node (WASM_HAS_MULTITHREAD_SUPPORT is hard-coded false there,
 * tfjs issue #3830): Emscripten starts its pthread workers from blob: URLs, which Node's
 * worker_threads refuses. Four shims, active only while the backend initializes, make the
 * threaded SIMD binary run in Node:
 *  1. the pthread worker script (tfjs's own wasm-out/*.worker.js) is written to a file and
 *     URL.createObjectURL hands Emscripten that file's path instead of a blob: URL;
 *  2. in that worker, the Emscripten factory (which the main thread posts as a Blob) is loaded
 *     from tfjs's wasm-out/tfjs-backend-wasm-threaded-simd.js file instead of a blob: URL;
 *  3. tfjs caps XNNPACK's pool at (logical cores / 2) assuming two hyperthreads per core
 *     (Node: os.cpus().length / 2), so os.cpus() reports 2 x the requested threads meanwhile;
 *  4. Emscripten's pool of worker_threads is unref'd once started, or Node never exits.
 * Checked on a 2-core machine: getThreadsCount() = 2, conv forward/backward equal to the cpu
 * backend, the process exits (wasm/node-threads.test.ts). Whether it pays off: see setup-wasm.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker as NodeWorker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** The line of tfjs's worker script that loads the factory from a blob: URL. */
const BLOB_IMPORT =
  'var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)';

export interface ThreadShims {
  /** Absolute path of the pthread worker script written for Node. */
  workerFile: string;
}

function wasmOutDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
}

/**
 * Writes the Node-loadable pthread worker script (once per content, atomically).
 * Returns null when this tfjs-backend-wasm does not look like the 4.22 layout the shims expect.
 */
export function prepareThreadShims(): ThreadShims | null {
  const out = wasmOutDir();
  const factoryFile = path.join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const workerModule = path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js');
  if (!existsSync(factoryFile) || !existsSync(workerModule)) return null;
  const { wasmWorkerContents } = require(workerModule) as { wasmWorkerContents?: unknown };
  if (typeof wasmWorkerContents !== 'string' || !wasmWorkerContents.includes(BLOB_IMPORT)) return null;
  // As tfjs does before making its Blob: the module's template literal turned "\n" escapes into
  // real newlines, which would break the string literals of the worker script.
  const source = wasmWorkerContents
    .replace(/\n/g, '\\n')
    .replace(BLOB_IMPORT, `importScripts(${JSON.stringify(factoryFile)})`);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'ganforge-tfjs-wasm');
  const workerFile = path.join(dir, `pthread-worker-${hash}.cjs`);
  if (!existsSync(workerFile) || readFileSync(workerFile, 'utf8') !== source) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${workerFile}.${process.pid}.tmp`;
    writeFileSync(tmp, source);
    renameSync(tmp, workerFile);
  }
  return { workerFile };
}

/** Runs `init` (the wasm backend's initialization) with the shims in place, then removes them. */
export async function withThreadShims<T>(
  shims: ThreadShims,
  threads: number,
  init: () => Promise<T>,
): Promise<T> {
  const url = URL as { createObjectURL: (obj: Blob) => string };
  const mutableOs = os as { cpus: typeof os.cpus };
  const createObjectURL = url.createObjectURL;
  const cpus = mutableOs.cpus;
  const g = globalThis as { Worker?: unknown };
  const workers: NodeWorker[] = [];
  let emscriptenWorker: unknown;
  url.createObjectURL = (obj: Blob) => {
    if (!(obj instanceof Blob && obj.type === 'application/javascript')) return createObjectURL(obj);
    // Emscripten has just set globalThis.Worker = worker_threads.Worker and calls `new Worker(path)`
    // right after: record its pool so the workers can be unref'd once started, and start them
    // without the parent's loader flags (e.g. tsx), which they do not need.
    if (emscriptenWorker === undefined) emscriptenWorker = g.Worker;
    g.Worker = class extends NodeWorker {
      constructor(file: string) {
        super(file, { execArgv: [] });
        workers.push(this);
      }
    };
    return shims.workerFile;
  };
  mutableOs.cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]!);
  };
  try {
    return await init();
  } finally {
    url.createObjectURL = createObjectURL;
    mutableOs.cpus = cpus;
    if (emscriptenWorker !== undefined) g.Worker = emscriptenWorker;
    // Emscripten keeps its pthread pool referenced: without this a finished run never exits.
    for (const w of workers) w.unref();
  }
}
