import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { floatArrayJson } from './float-json.mjs';
import type { JsonEncoder } from './json-encoder.ts';

/**
 * A float32 array to appear in a JSON body as numbers: as rows (`[[...],[...]]`, `rows` of them) or
 * flat (`[...]`). The bytes are exactly what JSON.stringify writes for the same numbers.
 */
export class FloatArray {
  constructor(
    readonly data: Float32Array,
    /** Rows of equal length, or undefined for one flat array. */
    readonly rows?: number,
  ) {}
}

/** Bodies with fewer numbers than this are encoded here in one piece, with a Content-Length. */
const ENCODE_OFF_THREAD_FROM = 16_384;

/**
 * Sends `body` as JSON. Small bodies are encoded at once. In a large one, the float arrays (FloatArray
 * values) are encoded by `encoder` off the HTTP thread and written as they come back, so one big
 * response cannot hold up health checks, other requests or a shutdown signal for tens of milliseconds.
 * Writes wait for the socket to drain, and sending stops if the client goes away.
 */
export async function sendJson(
  res: ServerResponse,
  body: Record<string, unknown>,
  encoder: JsonEncoder,
): Promise<void> {
  const arrays: FloatArray[] = [];
  let numbers = 0;
  const marker = `\u0000${randomUUID()}:`;
  const template = JSON.stringify(body, (_key, value: unknown) => {
    if (!(value instanceof FloatArray)) return value;
    numbers += value.data.length;
    arrays.push(value);
    return `${marker}${arrays.length - 1}`;
  });
  // The marker as it appears in the template: a JSON string, quotes included, then the array's index.
  const placeholder = new RegExp(`"${escapeRegExp(JSON.stringify(marker).slice(1, -1))}(\\d+)"`, 'g');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (numbers < ENCODE_OFF_THREAD_FROM) {
    const text = template.replace(placeholder, (_m, i: string) => {
      const a = arrays[Number(i)]!;
      return floatArrayJson(a.data, a.rows);
    });
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
    return;
  }
  // split() with a capturing group: text, index, text, index, ..., text.
  const pieces = template.split(placeholder);
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) {
      if (!(await write(res, pieces[i]!))) return;
      continue;
    }
    const a = arrays[Number(pieces[i])]!;
    if (!(await write(res, await encoder.encode(a.data, a.rows)))) return;
  }
  res.end();
}

/** Writes and waits for the socket to drain when its buffer is full; false when the client is gone. */
async function write(res: ServerResponse, chunk: string | Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
