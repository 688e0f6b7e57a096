// One onnxruntime-node InferenceSession per model, inside one worker thread.
// Plain JavaScript on purpose: a worker started from here needs no TypeScript loader (CLI, Vitest, bench alike).
// session.run() blocks the thread that calls it, so the HTTP thread never calls it.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { lowerThreadPriority } from './thread-priority.mjs';

// Below the HTTP thread: under overload it must still answer health checks and 429s at once.
lowerThreadPriority();

/** @type {Map<string, import('onnxruntime-node').InferenceSession>} */
const sessions = new Map();
const threads = workerData?.intraOpThreads ?? 1;
// A missing CUDA provider is reported through the thrown error (and logged by the server once);
// keep onnxruntime's own stderr line about the missing library out of the logs.
ort.env.logLevel = 'fatal';

function baseOptions() {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
}

/** 'auto' tries CUDA then CPU (creating a CUDA session throws when its libraries are missing). */
async function createSession(source, device) {
  const attempts = device === 'auto' ? ['cuda', 'cpu'] : [device];
  const failures = [];
  for (const provider of attempts) {
    try {
      const session = await ort.InferenceSession.create(source, {
        ...baseOptions(),
        executionProviders: [provider],
      });
      return { session, provider, failures };
    } catch (e) {
      failures.push({ provider, message: e instanceof Error ? e.message : String(e) });
      if (provider === 'cpu' || device !== 'auto') break;
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
      const { session, provider, failures } = await createSession(msg.bytes ?? msg.path, msg.device);
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
      const input = new ort.Tensor('float32', msg.latents, [msg.n, msg.latentDim]);
      const started = performance.now();
      const out = await s.run({ [msg.inputName]: input }, [msg.outputName]);
      const runMs = performance.now() - started;
      const tensor = out[msg.outputName];
      const data = new Float32Array(tensor.data); // own copy, transferable
      tensor.dispose?.();
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
