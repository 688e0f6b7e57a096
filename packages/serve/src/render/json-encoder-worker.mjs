// Encodes float32 arrays as JSON text off the HTTP thread (see json-encoder.ts).
// Plain JavaScript on purpose: a worker started from here needs no TypeScript loader.
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../engine/thread-priority.mjs';

// Below the HTTP thread: under overload it must still answer health checks and 429s at once.
lowerThreadPriority();

/** The exact text JSON.stringify writes for these numbers: rows of equal length, or one flat array. */
function encode(data, rows) {
  if (rows === undefined) return JSON.stringify(Array.from(data));
  if (rows === 0) return '[]';
  const per = data.length / rows;
  const parts = new Array(rows);
  for (let i = 0; i < rows; i++) parts[i] = JSON.stringify(Array.from(data.subarray(i * per, (i + 1) * per)));
  return `[${parts.join(',')}]`;
}

parentPort.on('message', (msg) => {
  try {
    const bytes = Buffer.from(encode(msg.data, msg.rows), 'utf8');
    // A Buffer this large has its own ArrayBuffer (not the shared pool), so it can be transferred.
    const out = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    parentPort.postMessage({ id: msg.id, ok: true, bytes: out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
