// Encodes float32 arrays as JSON text off the HTTP thread (see json-encoder.ts).
// Plain JavaScript on purpose: a worker started from here needs no TypeScript loader.
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../engine/thread-priority.mjs';
import { floatArrayJson } from './float-json.mjs';

// Below the HTTP thread: under overload it must still answer health checks and 429s at once.
lowerThreadPriority(workerData?.nice);

parentPort.on('message', (msg) => {
  try {
    const bytes = Buffer.from(floatArrayJson(msg.data, msg.rows), 'utf8');
    // Large Buffers own their ArrayBuffer and move without a copy; a small one from Node's shared pool
    // is copied instead (Node never transfers the pool).
    const out = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    parentPort.postMessage({ id: msg.id, ok: true, bytes: out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
