import { GanforgeError } from '@ganforge/core';
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; hint?: string; field?: string };
}

/** 'latents[2][0]' from ['latents', 2, 0]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}

/** Turns the first zod issue into a 400 naming the field. */
export function validationError(error: z.ZodError, where = 'body'): GanforgeError {
  const issue = error.issues[0];
  const field = issue ? fieldPath(issue.path) : '';
  let message = issue?.message ?? 'invalid request';
  if (issue?.code === 'unrecognized_keys')
    message = `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  const e = new GanforgeError(
    'invalid_request',
    field ? `${where} field '${field}': ${message}` : `${where}: ${message}`,
    {
      status: 400,
    },
  );
  return Object.assign(e, { field: field || undefined });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

export function notFound(message: string, code = 'not_found'): GanforgeError {
  return new GanforgeError(code, message, { status: 404 });
}

/**
 * Records the matched route pattern (e.g. '/v1/models/:name/samples') for metrics and logs, before an
 * error can take the request out of its router (which resets req.baseUrl).
 */
export const labelRoute: RequestHandler = (req, res, next) => {
  const path: unknown = req.route?.path;
  res.locals.route = `${req.baseUrl}${String(Array.isArray(path) ? path[0] : path)}`;
  next();
};

/** JSON 404 for every path no route matched. */
export const unmatchedRoute: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** What an error is answered with. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorBody;
  /** The Retry-After header's seconds (429 and 503 errors that know when to come back). */
  readonly retryAfterSeconds?: number;
}

/** Maps any error to its status and `{error: {code, message}}` body (and Retry-After for 429/503). */
export function errorAnswer(err: unknown): ErrorAnswer {
  const bp = (err ?? {}) as BodyParserError;
  if (err instanceof GanforgeError) {
    const field = (err as GanforgeError & { field?: string }).field;
    const retry = (err as GanforgeError & { retryAfterSeconds?: number }).retryAfterSeconds;
    return {
      status: err.status,
      body: {
        error: {
          code: err.code,
          message: err.message,
          ...(err.hint ? { hint: err.hint } : {}),
          ...(field ? { field } : {}),
        },
      },
      ...(retry !== undefined ? { retryAfterSeconds: retry } : {}),
    };
  }
  if (bp.type === 'entity.too.large') {
    return {
      status: 413,
      body: {
        error: {
          code: 'payload_too_large',
          message: `the request body is larger than the limit of ${bp.limit} bytes`,
        },
      },
    };
  }
  if (bp.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: {
        error: {
          code: 'bad_json',
          message: `the request body is not valid JSON: ${bp.message ?? ''}`.trim(),
        },
      },
    };
  }
  if (typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) {
    return {
      status: bp.status,
      body: {
        error: { code: bp.type?.replace(/\./g, '_') ?? 'bad_request', message: bp.message ?? 'bad request' },
      },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal server error' } } };
}

/**
 * The Open Inference Protocol's error shape, `{error: message, code}` (v2 clients such as tritonclient
 * read a string), of an error body.
 */
export function v2ErrorBody(body: ErrorBody): { error: string; code: string } {
  return { error: body.error.message, code: body.error.code };
}

/** Maps any error to `{error: {code, message}}` with its status (and Retry-After for 429/503). */
export function errorHandler(log: (err: unknown, status: number) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const { status, body, retryAfterSeconds } = errorAnswer(err);
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    log(err, status);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}

/**
 * errorHandler's answer written on a plain node:http response (the fast path, fast-path.ts), in `shape`
 * (v2: v2ErrorBody): the same status, headers and bytes as Express's `res.status(status).json(body)`.
 */
export function writeError(
  res: ServerResponse,
  err: unknown,
  log: (err: unknown, status: number) => void,
  shape: 'v1' | 'v2' = 'v1',
): void {
  const { status, body, retryAfterSeconds } = errorAnswer(err);
  if (retryAfterSeconds !== undefined && !res.headersSent)
    res.setHeader('Retry-After', String(retryAfterSeconds));
  log(err, status);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(shape === 'v2' ? v2ErrorBody(body) : body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.end(text);
}
