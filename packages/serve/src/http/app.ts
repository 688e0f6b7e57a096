import { createServer as createHttpServer, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import cors from 'cors';
import express from 'express';
import { pino } from 'pino';
import { BatchScheduler } from '../engine/batch-scheduler.ts';
import { listenGrpc, type GrpcListener } from '../grpc/grpc-server.ts';
import { defaultWorkers, WorkerPool } from '../engine/worker-pool.ts';
import { defaultFreeWorkers } from '../engine/worker-spread.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { setting } from '../settings.ts';
import type { ServeContext } from './context.ts';
import { errorHandler, unmatchedRoute } from './errors.ts';
import { createFastPath } from './fast-path.ts';
import { apiSecurityHeaders } from './api-headers.ts';
import { fixedHeaders } from './fixed-headers.ts';
import { JsonEncoder } from '../render/json-encoder.ts';
import { Admission } from './admission.ts';
import { ClientConnections } from './client-connections.ts';
import { InFlight } from './in-flight.ts';
import { listenError } from './listen-error.ts';
import { ServeMetrics } from './metrics.ts';
import { rateLimiter, refuseWhileClosing, requestMetrics, requestRecorder } from './middleware.ts';
import { openApiDocument } from './openapi.ts';
import { healthRoutes } from './routes-health.ts';
import { monitorRoutes } from './monitoring.ts';
import { v1Routes } from './routes-v1.ts';
import { inferRest, v2ErrorShape, v2Routes } from './routes-v2.ts';
import { requestSchemas } from './schemas.ts';
import { modelView } from './views.ts';

import type { GanforgeServer, ServeOptions } from './serve-options.ts';

export type { GanforgeServer, ServeOptions } from './serve-options.ts';

/** The ganforge HTTP server: an Express 5 app over a registry of ONNX generators served from worker threads. */
export function createServer(options: ServeOptions): GanforgeServer {
  const logger =
    options.logger ?? pino({ level: options.logLevel ?? 'info', base: { service: 'ganforge-serve' } });
  const maxN = setting('maxN', options.maxN);
  const version = options.version ?? '0.1.0';
  const schemas = requestSchemas({ maxN });
  const queueLimit = setting('queueLimit', options.queueLimit);
  const inlineMaxSamples = setting('inlineMaxSamples', options.inlineMaxSamples);
  const workerNice = setting('workerNice', options.workerNice);
  const pool = new WorkerPool({
    workerNice,
    workers: options.workers || defaultWorkers(),
    inline: inlineMaxSamples > 0,
    ...(options.inlineThreads ? { inlineThreads: options.inlineThreads } : {}),
    ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
  });
  pool.onWorkerExit = (err) =>
    logger.error({ err: err.message }, 'a session worker died; starting a replacement');
  const metrics = new ServeMetrics(
    () => queueDepths(),
    () => admission.inProgress,
  );
  const maxBatch = setting('maxBatch', options.maxBatch);
  const scheduler = new BatchScheduler(
    pool,
    {
      maxBatch,
      maxDelayMs: setting('maxDelayMs', options.maxDelayMs),
      inlineMaxSamples,
      inlineMaxMs: setting('inlineMaxMs', options.inlineMaxMs),
      spread: {
        freeWorkers: defaultFreeWorkers(),
        minSamples: setting('spreadMinSamples', options.spreadMinSamples),
      },
      // A lone client (one client connection open, no gRPC listener): nobody else's request can
      // arrive while an inline run holds this thread (engine/inline-sessions.ts). Monitors' kept-alive
      // connections (metrics scrapes, probes) do not count: their requests wait at most one inline
      // run, which --inline-max-ms bounds.
      inlineWhen: () => clients.size <= 1 && grpc === undefined,
      queueLimit: queueLimit,
    },
    {
      onBatch(model, size, requests, runMs, inline) {
        metrics.recordBatch(model, size, requests, runMs / 1000, inline);
      },
      onQueueWait(model, seconds) {
        metrics.recordQueueWait(model, seconds);
      },
    },
  );
  const registry = new ModelRegistry({
    modelsDir: options.modelsDir,
    device: options.device ?? 'auto',
    pool,
    scheduler,
    limits: { maxBatch, maxN },
    logger,
    onChange: (entry, name) => metrics.setModel(name, entry),
  });
  function queueDepths(): Record<string, number> {
    return Object.fromEntries(registry.list().map((e) => [e.name, scheduler.queueDepth(e.name)]));
  }
  let closing = false;
  const inFlight = new InFlight();
  const encoder = new JsonEncoder(undefined, workerNice);
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

  app.use(requestMetrics(metrics, inFlight, logger));
  app.use(refuseWhileClosing(() => closing));
  // helmet's headers, chosen for API responses (api-headers.ts), are the same for every response:
  // computed once, set in one step.
  const securityHeaders = apiSecurityHeaders();
  app.use(fixedHeaders(securityHeaders));
  const origins = options.corsOrigins ?? ['*'];
  const corsHandler =
    origins.length > 0
      ? cors({
          origin: origins.includes('*') ? '*' : [...origins],
          exposedHeaders: ['ETag', 'Retry-After', 'X-Shape'],
        })
      : undefined;
  if (corsHandler) app.use(corsHandler);
  if (options.rateLimit) app.use(rateLimiter(options.rateLimit));
  const maxBodyBytes = setting('maxBodyBytes', options.maxBodyBytes);
  const jsonParser = express.json({
    limit: maxBodyBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
  });
  app.use(jsonParser);

  const openapi = openApiDocument(schemas, version);
  const monitor = monitorRoutes(ctx);
  app.use(healthRoutes({ monitor, openapi }));
  options.mount?.(app);
  app.use('/v1', v1Routes(ctx));
  app.use('/v2', v2Routes(ctx, version, monitor));
  app.use(unmatchedRoute);
  const logError = (err: unknown, status: number) => {
    if (status >= 500) logger.error({ err }, 'request failed');
  };
  const handleError = errorHandler(logError);
  app.use('/v2', v2ErrorShape);
  app.use(handleError);

  // The generating routes answered before Express, with the same code and answers (fast-path.ts).
  const fast =
    options.fastPath === false || options.rateLimit
      ? undefined
      : createFastPath({
          ctx,
          record: requestRecorder(metrics, logger),
          inFlight,
          logError,
          // With '*' CORS's headers do not depend on the request: recorded once, like helmet's.
          securityHeaders,
          cors: corsHandler && { handler: corsHandler, anyOrigin: origins.includes('*') },
          jsonParser,
          maxBodyBytes,
          v2Infer: inferRest,
          monitor,
        });

  const loaded = registry.scan().then(() => {
    if (options.watch ?? true) registry.watch();
    for (const e of registry.list()) {
      if (e.status === 'failed')
        logger.error({ model: e.name, error: e.error }, `model ${e.name} is not served`);
    }
  });
  loaded.catch(() => {});

  let server: Server | undefined;
  let grpc: GrpcListener | undefined;
  const clients = new ClientConnections();
  let closed: Promise<void> | undefined;
  /** Adds the gRPC listener to a listen() result, when grpcPort asks for one. */
  async function withGrpc<T extends object>(http: T, host: string) {
    const grpcPort = setting('grpcPort', options.grpcPort);
    if (grpcPort < 0) return http;
    await loaded.catch(() => {});
    if (closing) return http;
    grpc = await listenGrpc(ctx, {
      port: grpcPort,
      host: options.grpcHost ?? host,
      version,
      logger,
      metrics,
      maxMessageBytes: setting('maxBodyBytes', options.maxBodyBytes),
    });
    // close() may have started while binding, before there was a listener to drain.
    if (closing) await grpc.close(0);
    return { ...http, grpc: { port: grpc.port, host: grpc.host, address: grpc.address } };
  }

  return {
    app,
    registry,
    metrics,
    logger,
    loaded,
    listen(port = 8080, host = '127.0.0.1') {
      server = createHttpServer((req, res) => {
        clients.request(req);
        if (!fast?.(req, res, closing)) void app(req, res);
      });
      server.keepAliveTimeout = 5000;
      const s = server;
      const listening = new Promise<{ port: number; host: string; url: string }>((resolve, reject) => {
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
      return listening.then((http) => withGrpc(http, host));
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await registry.close();
        const grpcDrained = grpc?.close(setting('drainTimeoutMs', options.drainTimeoutMs));
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
        await grpcDrained;
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
