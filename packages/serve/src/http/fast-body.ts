import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestHandler } from 'express';

/**
 * JSON request bodies on the fast path (fast-path.ts). It reads only the plain case itself: a
 * Content-Length within the limit, no Content-Encoding or Transfer-Encoding, Content-Type
 * application/json (charset utf-8 or none). Every other request goes to Express whole, before a byte of
 * its body is read, so express.json answers it exactly as it always has (413, 415, gzip, charsets...).
 */
export function plainJsonLength(req: IncomingMessage, maxBytes: number): number | undefined {
  const h = req.headers;
  const type = h['content-type'];
  if (type !== 'application/json') {
    const t = type?.toLowerCase().replace(/\s+/g, '');
    if (t !== 'application/json;charset=utf-8') return undefined;
  }
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return undefined;
  const raw = h['content-length'];
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) return undefined;
  const length = Number(raw);
  return length <= maxBytes ? length : undefined;
}

const EMPTY = Buffer.alloc(0);

/** Calls `done` with the whole body once it has arrived (never, if the client goes away first). */
export function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  req.on('data', (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.once('end', () => done(more ? Buffer.concat(more) : (first ?? EMPTY)));
}

/**
 * The body as express.json (`jsonParser`, the app's own instance) parses it. An object body — what the
 * routes take, and nearly every request — is JSON.parse'd here: for a body whose first byte is '{',
 * body-parser's strict parse is exactly JSON.parse of the UTF-8 text (no BOM can precede a '{'). Any
 * other body (empty, an array, a BOM, whitespace first, broken JSON) is handed to `jsonParser` itself
 * over a replay of the bytes, so its answer — the value, or the error with body-parser's own message —
 * is the one the Express route would have had. Returns the value, or a promise of it (the replay).
 */
export function parseJsonBody(
  body: Buffer,
  contentType: string,
  jsonParser: RequestHandler,
  res: ServerResponse,
): unknown {
  if (body.length > 0 && body[0] === 0x7b) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      // body-parser's error message, below
    }
  }
  return parseWithBodyParser(body, contentType, jsonParser, res);
}

/** Whether parseJsonBody's answer is the replay's promise rather than the value itself. */
export function isPending(v: unknown): v is Promise<unknown> {
  return v instanceof Promise;
}

function parseWithBodyParser(
  body: Buffer,
  contentType: string,
  jsonParser: RequestHandler,
  res: ServerResponse,
): Promise<unknown> {
  const replay = new Readable({ read() {} });
  replay.push(body);
  replay.push(null);
  Object.assign(replay, {
    headers: { 'content-type': contentType, 'content-length': String(body.length) },
    // What on-finished (body-parser's "was this body read already?") looks at: a request still arriving.
    complete: false,
    socket: { readable: true },
  });
  return new Promise((resolve, reject) => {
    jsonParser(replay as never, res as never, (err?: unknown) =>
      err === undefined || err === null ? resolve((replay as { body?: unknown }).body) : reject(err),
    );
  });
}
