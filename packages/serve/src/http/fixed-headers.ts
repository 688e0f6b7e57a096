import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/** Response headers as name/value pairs, in the order they were set. */
export type HeaderList = readonly (readonly [string, string])[];

/**
 * The headers a middleware sets when its only effect is a fixed set of response headers (helmet's
 * defaults, for one): it runs once against a recording response and must call next() synchronously.
 */
export function recordHeaders(middleware: RequestHandler): HeaderList {
  const headers = new Map<string, string>();
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      return res;
    },
    getHeader: (name: string) => headers.get(name),
    removeHeader: (name: string) => void headers.delete(name),
  };
  let called = false;
  const req = { method: 'GET', url: '/', headers: {} } as IncomingMessage;
  middleware(req as never, res as never, () => {
    called = true;
  });
  if (!called) throw new Error('recordHeaders: the middleware did not call next() synchronously');
  return [...headers];
}

/**
 * One middleware that sets `headers` on every response: helmet's ~14 middleware functions per
 * request become one loop over precomputed pairs (the serving hot path runs it on every request).
 */
export function fixedHeaders(headers: HeaderList): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
