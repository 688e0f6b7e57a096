import { createServer as createHttpServer, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { pino, type Logger } from 'pino';
import { GanforgeError } from '@ganforge/core';
import { BatchScheduler } from '../engine/batch-scheduler.ts';
import { defaultWorkers, WorkerPool, type DeviceChoice } from '../engine/worker-pool.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { setting } from '../settings.ts';
import type { ServeContext } from './context.ts';
import { errorHandler, labelRoute, unmatchedRoute } from './errors.ts';
import { fixedHeaders, recordHeaders } from './fixed-headers.ts';
import { JsonEncoder } from '../render/json-encoder.ts';
import { Admission } from './admission.ts';
import { InFlight } from './in-flight.ts';
import { ServeMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { v1Routes } from './routes-v1.ts';
import { v2ErrorShape, v2Routes } from './routes-v2.ts';
import { requestSchemas } from './schemas.ts';
import { modelView } from './views.ts';

/**
 * Everything `ganforge serve` can be told; every field but modelsDir has a default. The numeric ones'
 * defaults and ranges are in settings.ts (SERVE_SETTINGS), which the CLI's options are built from.
 */
export interface ServeOptions {
  /** Folder of <name>/model.onnx + <name>/card.json. */
  readonly modelsDir: string;
  /** Execution provider: auto tries CUDA then CPU; cuda fails to load models when CUDA is missing. */
  readonly device?: DeviceChoice;
  /** Session worker threads (each holds one session per model). Default: one per core (defaultWorkers). */
  readonly workers?: number;
  /** Intra-op threads per session. Default: cores / workers (1 with the default workers). */
  readonly intraOpThreads?: number;
  /** Dynamic batching: most latents per session.run... */
  readonly maxBatch?: number;
  /**
   * ...and how long an idle worker waits for a batch to fill (0: it starts at once with what is
   * queued; batches form from the requests that arrive while the workers are busy).
   */
  readonly maxDelayMs?: number;
  /**
   * Admission control: samples in progress (waiting, generating, or being encoded and sent) across the
   * server before new requests get 429 with Retry-After. Counting samples, not requests, keeps
   * 256-sample requests from piling up minutes of work behind a limit meant for small ones.
   */
  readonly queueLimit?: number;
  /** Most samples per request. */
  readonly maxN?: number;
  /** Per-request deadline in ms -> 504. */
  readonly requestTimeoutMs?: number;
  /** Largest JSON body in bytes -> 413. */
  readonly maxBodyBytes?: number;
  /** Allowed CORS origins; ['*'] (default) allows any page to embed the images; [] turns CORS off. */
  readonly corsOrigins?: readonly string[];
  /** Requests per IP per window; undefined (default) = no rate limit. */
  readonly rateLimit?: { readonly windowMs: number; readonly limit: number };
  /** Reload models when the folder changes (default true). */
  readonly watch?: boolean;
  /** How long close() waits for in-flight requests before cutting connections (ms). */
  readonly drainTimeoutMs?: number;
  readonly logger?: Logger;
  readonly logLevel?: string;
  readonly version?: string;
  /**
   * Extra routes mounted after the health/metrics routes and before the API and the 404 handler, e.g.
   * the browser sampler (`mountWeb` from @ganforge/web, which serve itself does not depend on).
   */
  readonly mount?: (app: Express) => void;
}

export interface GanforgeServer {
  readonly app: Express;
  readonly registry: ModelRegistry;
  readonly metrics: ServeMetrics;
  readonly logger: Logger;
  /** Resolves after the first scan of the models folder (every model loaded and warmed, or failed). */
  readonly loaded: Promise<void>;
  listen(port?: number, host?: string): Promise<{ port: number; host: string; url: string }>;
  /** Stops accepting requests, lets in-flight ones finish (up to drainTimeoutMs), then frees the sessions. */
  close(): Promise<void>;
}

/** A listen failure as a one-line error naming the address and the fix. */
function listenError(e: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE')
    return new GanforgeError('port_in_use', `cannot listen on ${where}: the port is already in use`, {
      hint: 'stop the process using it, or choose another --port (0 = any free port)',
    });
  if (e.code === 'EACCES')
    return new GanforgeError('port_forbidden', `cannot listen on ${where}: permission denied`, {
      hint: 'ports below 1024 need privileges; choose a port of 1024 or more',
    });
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
    return new GanforgeError('bad_host', `cannot listen on ${where}: no such address on this machine`, {
      hint: 'pass --host 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
    });
  return e;
}

/** The ganforge HTTP server: an Express 5 app over a registry of ONNX generators served from worker threads. */
export function createServer(options: ServeOptions): GanforgeServer {
  const logger =
    options.logger ?? pino({ level: options.logLevel ?? 'info', base: { service: 'ganforge-serve' } });
  const maxN = setting('maxN', options.maxN);
  const version = options.version ?? '0.1.0';
  const schemas = requestSchemas({ maxN });
  const queueLimit = setting('queueLimit', options.queueLimit);
  const pool = new WorkerPool({
    workers: options.workers || defaultWorkers(),
    ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
  });
  pool.onWorkerExit = (err) =>
    logger.error({ err: err.message }, 'a session worker died; starting a replacement');
  const metrics = new ServeMetrics(
    () => queueDepths(),
    () => admission.inProgress,
  );
  const scheduler = new BatchScheduler(
    pool,
    {
      maxBatch: setting('maxBatch', options.maxBatch),
      maxDelayMs: setting('maxDelayMs', options.maxDelayMs),
      queueLimit: queueLimit,
    },
    {
      onBatch(model, size, requests, runMs) {
        metrics.batchSize.observe({ model }, size);
        metrics.batchRequests.observe({ model }, requests);
        metrics.inference.observe({ model }, runMs / 1000);
      },
      onQueueWait(model, seconds) {
        metrics.queueWait.observe({ model }, seconds);
      },
    },
  );
  const registry = new ModelRegistry({
    modelsDir: options.modelsDir,
    device: options.device ?? 'auto',
    pool,
    scheduler,
    logger,
    onChange: (entry, name) => metrics.setModel(name, entry),
  });
  function queueDepths(): Record<string, number> {
    return Object.fromEntries(registry.list().map((e) => [e.name, scheduler.queueDepth(e.name)]));
  }
  let closing = false;
  const inFlight = new InFlight();
  const encoder = new JsonEncoder();
  const requestTimeoutMs = setting('requestTimeoutMs', options.requestTimeoutMs);
  // Admit at most a quarter of the deadline's worth of work: the rest is margin for encoding, sending
  // and the estimate being wrong, so admitted requests finish in time instead of timing out together.
  const admission = new Admission(
    queueLimit,
    (samples) => scheduler.secondsFor(samples),
    requestTimeoutMs / 1000 / 4,
  );
  const ctx: ServeContext = {
    registry,
    scheduler,
    admission,
    encoder,
    metrics,
    schemas,
    requestTimeoutMs,
    maxFrames: maxN,
    isClosing: () => closing,
  };

  const app = express();
  app.set('etag', false);
  app.set('x-powered-by', false);
  app.set('query parser', 'simple');

  // Metrics + log line per request; the route label is the matched pattern, never the raw path.
  const debug = logger.isLevelEnabled('debug');
  app.use((req: Request, res: Response, next: NextFunction) => {
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
      const seconds = (performance.now() - started) / 1000;
      metrics.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.latency.observe({ route, method: req.method }, seconds);
      if (debug)
        logger.debug(
          {
            method: req.method,
            url: req.originalUrl,
            status: res.statusCode,
            ms: Math.round(seconds * 1000),
          },
          'request',
        );
    });
    next();
  });
  app.use((_req, res, next) => {
    if (!closing) return next();
    res.setHeader('Connection', 'close');
    next(new GanforgeError('shutting_down', 'the server is shutting down', { status: 503 }));
  });
  // Images are meant to be embedded by other pages (<img src>), so resources are cross-origin readable.
  // helmet's headers are the same for every response: computed once, set in one step.
  app.use(fixedHeaders(recordHeaders(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }))));
  const origins = options.corsOrigins ?? ['*'];
  if (origins.length > 0)
    app.use(
      cors({
        origin: origins.includes('*') ? '*' : [...origins],
        exposedHeaders: ['ETag', 'Retry-After', 'X-Shape'],
      }),
    );
  if (options.rateLimit) {
    app.use(
      rateLimit({
        windowMs: options.rateLimit.windowMs,
        limit: options.rateLimit.limit,
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
      }),
    );
  }
  app.use(
    express.json({
      limit: setting('maxBodyBytes', options.maxBodyBytes),
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  );

  app.get('/healthz', labelRoute, (_req, res) => {
    res.json({ status: 'live' });
  });
  app.get('/readyz', labelRoute, (_req, res) => {
    const models = registry.list().map((e) => ({
      name: e.name,
      status: e.status,
      executionProvider: e.provider ?? null,
      ...(e.error ? { error: e.error } : {}),
    }));
    const ready = registry.allReady() && !closing;
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : closing ? 'shutting_down' : 'not_ready', models });
  });
  app.get('/metrics', labelRoute, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const openapi = openApiDocument(schemas, version);
  app.get('/openapi.json', labelRoute, (_req, res) => {
    res.json(openapi);
  });
  options.mount?.(app);
  app.use('/v1', v1Routes(ctx));
  app.use('/v2', v2Routes(ctx, version));
  app.use(unmatchedRoute);
  const handleError = errorHandler((err, status) => {
    if (status >= 500) logger.error({ err }, 'request failed');
  });
  app.use('/v2', v2ErrorShape);
  app.use(handleError);

  const loaded = registry.scan().then(() => {
    if (options.watch ?? true) registry.watch();
    for (const e of registry.list()) {
      if (e.status === 'failed')
        logger.error({ model: e.name, error: e.error }, `model ${e.name} is not served`);
    }
  });
  loaded.catch(() => {});

  let server: Server | undefined;
  let closed: Promise<void> | undefined;

  return {
    app,
    registry,
    metrics,
    logger,
    loaded,
    listen(port = 8080, host = '127.0.0.1') {
      server = createHttpServer(app);
      server.keepAliveTimeout = 5000;
      const s = server;
      return new Promise((resolve, reject) => {
        s.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, port, host)));
        s.listen(port, host, () => {
          s.off('error', reject);
          const addr = s.address() as AddressInfo;
          const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          logger.info(
            { port: addr.port, host: addr.address },
            `listening on http://${shownHost}:${addr.port}`,
          );
          resolve({ port: addr.port, host: addr.address, url: `http://${shownHost}:${addr.port}` });
        });
      });
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await registry.close();
        if (server) {
          const s = server;
          const cut = setTimeout(
            () => s.closeAllConnections(),
            setting('drainTimeoutMs', options.drainTimeoutMs),
          );
          // Stop accepting connections. Unlike http.Server#close this leaves kept-alive connections
          // open while requests are in flight, so a request that arrives on one is answered 503 with
          // `Connection: close` (see the middleware above) instead of finding its connection reset.
          const done = new Promise<void>((resolve) => NetServer.prototype.close.call(s, () => resolve()));
          await inFlight.idle();
          s.closeIdleConnections();
          await done;
          clearTimeout(cut);
        }
        await scheduler.drained();
        scheduler.close();
        await Promise.all([pool.close(), encoder.close()]);
        logger.info(
          {
            models: registry
              .list()
              .map(modelView)
              .map((m) => m.name),
          },
          'server closed',
        );
      })();
      return closed;
    },
  };
}
