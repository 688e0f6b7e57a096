import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ServerResponse } from 'node:http';
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

/** Bodies with fewer numbers than this are encoded in one piece, with a Content-Length. */
const STREAM_FROM_NUMBERS = 16_384;
/** Numbers encoded per slice: about a millisecond of the event loop. */
const SLICE_NUMBERS = 8_192;

/**
 * Sends `body` as JSON. Large float arrays in it (FloatArray values) are encoded off the HTTP thread
 * by `encoder` or, without one, slice by slice here, yielding to the event loop between slices; either
 * way one big response cannot hold up health checks, other requests or a shutdown signal for tens of
 * milliseconds. Writes wait for the socket to drain, and encoding stops if the client goes away.
 */
export async function sendJson(
  res: ServerResponse,
  body: Record<string, unknown>,
  encoder?: JsonEncoder,
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
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (numbers < STREAM_FROM_NUMBERS) {
    const text = fill(template, marker, arrays);
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
    return;
  }
  const pieces = template.split(new RegExp(`"${escapeRegExp(JSON.stringify(marker).slice(1, -1))}(\\d+)"`));
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) {
      if (!(await write(res, pieces[i]!))) return;
      continue;
    }
    const a = arrays[Number(pieces[i])]!;
    if (encoder) {
      const bytes = await encoder.encode(a.data, a.rows);
      if (!(await write(res, bytes))) return;
      continue;
    }
    for (const chunk of slices(a)) {
      if (!(await write(res, chunk))) return;
      await nextTurn();
      if (res.destroyed) return;
    }
  }
  res.end();
}

/** Fills the markers in at once (small bodies). */
function fill(template: string, marker: string, arrays: readonly FloatArray[]): string {
  if (arrays.length === 0) return template;
  const quoted = JSON.stringify(marker).slice(1, -1);
  return template.replace(new RegExp(`"${escapeRegExp(quoted)}(\\d+)"`, 'g'), (_m, i: string) =>
    [...slices(arrays[Number(i)]!)].join(''),
  );
}

/** The JSON text of one FloatArray, in pieces of about SLICE_NUMBERS numbers. */
function* slices(a: FloatArray): Generator<string> {
  const { data } = a;
  if (a.rows === undefined) {
    if (data.length === 0) {
      yield '[]';
      return;
    }
    for (let start = 0; start < data.length; start += SLICE_NUMBERS) {
      const end = Math.min(data.length, start + SLICE_NUMBERS);
      const text = JSON.stringify(Array.from(data.subarray(start, end)));
      yield `${start === 0 ? '[' : ','}${text.slice(1, -1)}${end === data.length ? ']' : ''}`;
    }
    return;
  }
  const n = a.rows;
  if (n === 0) {
    yield '[]';
    return;
  }
  const per = data.length / n;
  const rowsPerSlice = Math.max(1, Math.floor(SLICE_NUMBERS / Math.max(1, per)));
  for (let r = 0; r < n; r += rowsPerSlice) {
    const end = Math.min(n, r + rowsPerSlice);
    const rows: string[] = [];
    for (let i = r; i < end; i++)
      rows.push(JSON.stringify(Array.from(data.subarray(i * per, (i + 1) * per))));
    yield `${r === 0 ? '[' : ','}${rows.join(',')}${end === n ? ']' : ''}`;
  }
}

/** Writes and waits for the socket to drain when its buffer is full; false when the client is gone. */
async function write(res: ServerResponse, text: string | Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(text)) return true;
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
