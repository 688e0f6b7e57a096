import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { GanforgeError } from '@ganforge/core';
import type { InFlight } from './in-flight.ts';
import type { ServeMetrics } from './metrics.ts';

/** Records one answered request; `started` is its performance.now() on arrival. */
export type RecordRequest = (
  route: string,
  method: string,
  url: string,
  status: number,
  started: number,
) => void;

/**
 * Records answered requests in the metrics (requests by route, method and status; latency by route and
 * method) and, at debug level, as a log line. The Express middleware below and the fast path
 * (fast-path.ts) both record through it.
 */
export function requestRecorder(metrics: ServeMetrics, logger: Logger): RecordRequest {
  const debug = logger.isLevelEnabled('debug');
  return (route, method, url, status, started) => {
    const seconds = (performance.now() - started) / 1000;
    metrics.recordRequest(route, method, status, seconds);
    if (debug) logger.debug({ method, url, status, ms: Math.round(seconds * 1000) }, 'request');
  };
}

/**
 * Counts the request in flight until its connection closes, and once it is answered records it in the
 * metrics (and a debug log line). The route label is the matched pattern, never the raw path.
 */
export function requestMetrics(metrics: ServeMetrics, inFlight: InFlight, logger: Logger): RequestHandler {
  const record = requestRecorder(metrics, logger);
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    inFlight.enter();
    res.once('close', inFlight.leave);
    res.on('finish', () => {
      const route =
        typeof res.locals.route === 'string'
          ? res.locals.route
          : req.route?.path
            ? String(req.route.path)
            : 'unmatched';
      record(route, req.method, req.originalUrl, res.statusCode, started);
    });
    next();
  };
}

/** 503 with `Connection: close` for every request once the server is shutting down. */
export function refuseWhileClosing(isClosing: () => boolean): RequestHandler {
  return (_req, res, next) => {
    if (!isClosing()) return next();
    res.setHeader('Connection', 'close');
    next(new GanforgeError('shutting_down', 'the server is shutting down', { status: 503 }));
  };
}

/** Requests per client IP per window (429 with Retry-After past it); health and metrics are exempt. */
export function rateLimiter(options: { readonly windowMs: number; readonly limit: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) =>
      ['/healthz', '/readyz', '/metrics', '/v2/health/live', '/v2/health/ready'].includes(req.path),
    handler: (_req, _res, next, opts) =>
      next(
        Object.assign(
          new GanforgeError(
            'rate_limited',
            `more than ${opts.limit} requests in ${opts.windowMs / 1000} s from this client`,
            { status: 429 },
          ),
          {
            retryAfterSeconds: Math.ceil(opts.windowMs / 1000),
          },
        ),
      ),
  });
}
