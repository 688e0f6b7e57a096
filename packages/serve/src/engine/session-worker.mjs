// One onnxruntime-node InferenceSession per model, inside one worker thread.
// Plain JavaScript on purpose: a worker started from here needs no TypeScript loader (CLI, Vitest, bench alike).
// session.run() blocks the thread that calls it, so the HTTP thread never calls it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { ortReason } from './ort-reason.mjs';
import { lowerThreadPriority } from './thread-priority.mjs';

// Below the HTTP thread: under overload it must still answer health checks and 429s at once.
lowerThreadPriority(workerData?.nice);

/** @type {Map<string, import('onnxruntime-node').InferenceSession>} */
const sessions = new Map();
const threads = workerData?.intraOpThreads ?? 1;
// A missing CUDA provider is reported through the thrown error (and logged by the server once);
// keep onnxruntime's own stderr line about the missing library out of the logs.
ort.env.logLevel = 'fatal';

function baseOptions() {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
}

/**
 * Why the CUDA provider cannot load, without asking onnxruntime (whose failed dlopen prints a line on
 * stderr whatever the log level), or undefined when its library is where onnxruntime-node loads it
 * from: next to its native binding, put there by its install script when CUDA was asked for.
 * @returns {string | undefined}
 */
function cudaLibraryMissing() {
  if (process.platform !== 'linux' && process.platform !== 'win32') return 'no CUDA build for this platform';
  const binding = join(
    dirname(createRequire(import.meta.url).resolve('onnxruntime-node')),
    '..',
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  const library =
    process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(binding, library))
    ? undefined
    : `the CUDA execution provider is not installed (${library} is missing next to onnxruntime-node's binding)`;
}

/**
 * Providers 'auto' found unusable in this worker, with why: asked once, not again for every model
 * (a missing GPU does not appear later, and Dawn prints its diagnostics on every attempt).
 * @type {Map<string, string>}
 */
const unusable = new Map();

/**
 * 'auto' tries CUDA, then WebGPU (onnxruntime-node 1.30 has Dawn built in; it needs a GPU with a Vulkan
 * driver), then CPU: creating a session throws when a provider's libraries or adapter are missing.
 */
async function createSession(source, device, webgpuUnusable) {
  const attempts = device === 'auto' ? ['cuda', 'webgpu', 'cpu'] : [device];
  const failures = [];
  // Probed by the pool in a child process: a machine without an adapter never starts Dawn in here.
  if (webgpuUnusable !== undefined) {
    if (device === 'webgpu') throw new Error(`webgpu: ${webgpuUnusable}`);
    unusable.set('webgpu', webgpuUnusable);
  }
  // Once per worker for 'auto': the answer is remembered in `unusable` with the other providers'.
  if (device === 'cuda' || (device === 'auto' && !unusable.has('cuda'))) {
    const missing = cudaLibraryMissing();
    if (missing !== undefined) {
      if (device === 'cuda') throw new Error(`cuda: ${missing}`);
      unusable.set('cuda', missing);
    }
  }
  for (const provider of attempts) {
    const known = device === 'auto' ? unusable.get(provider) : undefined;
    if (known !== undefined) {
      failures.push({ provider, message: known });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(source, {
        ...baseOptions(),
        executionProviders: [provider],
      });
      return { session, provider, failures };
    } catch (e) {
      const message = ortReason(e instanceof Error ? e.message : String(e));
      failures.push({ provider, message });
      if (provider === 'cpu' || device !== 'auto') break;
      unusable.set(provider, message);
    }
  }
  const err = new Error(failures.map((f) => `${f.provider}: ${f.message}`).join('; '));
  err.failures = failures;
  throw err;
}

function describe(session) {
  const meta = (name, list) => {
    const m = list?.find?.((x) => x.name === name);
    return m && m.isTensor
      ? { name, shape: m.shape.map((d) => (typeof d === 'number' ? d : -1)) }
      : { name, shape: [] };
  };
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputs: session.inputNames.map((n) => meta(n, session.inputMetadata)),
    outputs: session.outputNames.map((n) => meta(n, session.outputMetadata)),
  };
}

async function handle(msg) {
  switch (msg.type) {
    case 'load': {
      const { session, provider, failures } = await createSession(
        msg.bytes ?? msg.path,
        msg.device,
        msg.webgpuUnusable,
      );
      const old = sessions.get(msg.key);
      sessions.set(msg.key, session);
      if (old) await old.release();
      return { provider, fallbacks: failures, ...describe(session) };
    }
    case 'unload': {
      const s = sessions.get(msg.key);
      sessions.delete(msg.key);
      if (s) await s.release();
      return {};
    }
    case 'run': {
      const s = sessions.get(msg.key);
      if (!s) throw new Error(`no session '${msg.key}' in this worker`);
      const feeds = { [msg.inputName]: new ort.Tensor('float32', msg.latents, [msg.n, msg.latentDim]) };
      // A class-conditional generator's second input: int64 [n] class ids (sent as int32, widened here).
      if (msg.classes) {
        const ids = BigInt64Array.from(msg.classes.ids, (c) => BigInt(c));
        feeds[msg.classes.inputName] = new ort.Tensor('int64', ids, [msg.n]);
      }
      const started = performance.now();
      const out = await s.run(feeds, [msg.outputName]);
      const runMs = performance.now() - started;
      const tensor = out[msg.outputName];
      // onnxruntime-node copies each output into an ArrayBuffer of its own: handed over as it is
      // (transferred, no copy); copied only if it ever shares one.
      const whole = tensor.data.byteOffset === 0 && tensor.data.byteLength === tensor.data.buffer.byteLength;
      const data = whole ? tensor.data : new Float32Array(tensor.data);
      return { data, dims: [...tensor.dims], runMs, transfer: [data.buffer] };
    }
    default:
      throw new Error(`unknown message type '${msg.type}'`);
  }
}

parentPort.on('message', (msg) => {
  handle(msg).then(
    (result) => {
      const { transfer, ...rest } = result;
      parentPort.postMessage({ id: msg.id, ok: true, result: rest }, transfer ?? []);
    },
    (e) => {
      parentPort.postMessage({
        id: msg.id,
        ok: false,
        error: { message: e instanceof Error ? e.message : String(e), failures: e?.failures },
      });
    },
  );
});
