import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { RequestHandler } from 'express';
import type { ServeContext } from './context.ts';
import { writeError } from './errors.ts';
import { isPending, parseJsonBody, plainJsonLength, readBody } from './fast-body.ts';
import { recordHeaders, type HeaderList } from './fixed-headers.ts';
import type { InFlight } from './in-flight.ts';
import { createInlineLane } from './inline-lane.ts';
import { sendMonitorAnswer, type MonitorRoutes } from './monitoring.ts';
import type { RecordRequest } from './middleware.ts';
import { getSamplesImage, plainSend, postSamples } from './sample-handlers.ts';

/**
 * The fast path: the generating routes answered straight from node:http's 'request' event, before
 * Express, because on a 2-core machine Express's per-request work (router, body-parser, type-is,
 * parseurl, middleware chain) was a large share of a small request's main-thread time. It runs the very
 * same code as the Express routes for everything that decides the answer — the route logic
 * (sample-handlers.ts: zod schemas, readyModel with hot reload, admission, the batch scheduler with its
 * deadline, the encoders), the error answers (errors.ts), the security and CORS headers (the app's own
 * helmet and cors, recorded or called), the request metrics and log line (middleware.ts), the in-flight
 * count that shutdown waits on — so a request gets the same status, headers and bytes either way (the
 * equivalence tests, fast-path.test.ts, compare them).
 *
 * A lone client's npy request takes the inline lane (inline-lane.ts) when the scheduler would run it on
 * this thread anyway: the same answer, with less of the per-request machinery around it.
 *
 * It also answers the polled routes (liveness, readiness, metrics: monitoring.ts), which keeps the
 * periodic probes and scrapes of a load balancer or Prometheus out of Express (monitorGet, below).
 *
 * It takes only the plain form of each request and hands anything else to Express untouched (it
 * returns false before reading a byte): other methods and paths, HEAD, a path that is not exactly
 * /v1/models/<name>/samples, /v1/models/<name>/samples.png|.webp, /v2/models/<name>/infer (a name
 * needing no decoding, no trailing slash, no other case) or a polled path (no query), conditional
 * GETs (If-None-Match, If-Modified-Since: Express's freshness check), GETs with a body, bodies that are not plain JSON
 * (fast-body.ts), and every request while the server shuts down (Express answers 503 + Connection:
 * close). The server builds it only without a rate limit (express-rate-limit keeps its own counts).
 */
export interface FastPathOptions {
  readonly ctx: ServeContext;
  readonly record: RecordRequest;
  readonly inFlight: InFlight;
  /** The error log of the Express error handler (5xx). */
  readonly logError: (err: unknown, status: number) => void;
  /** helmet's headers, as the app sets them on every response (fixed-headers.ts). */
  readonly securityHeaders: HeaderList;
  /**
   * The app's cors middleware, if CORS is on. With any origin allowed ('*') its headers do not depend
   * on the request: recorded once and set with helmet's; with a list it runs per request (Origin).
   */
  readonly cors?: { readonly handler: RequestHandler; readonly anyOrigin: boolean } | undefined;
  /** The app's express.json middleware: answers the bodies the fast path does not parse itself. */
  readonly jsonParser: RequestHandler;
  readonly maxBodyBytes: number;
  /** POST /v2/models/:name/infer with its parsed JSON body; absent: that route stays on Express. */
  readonly v2Infer?: (ctx: ServeContext, name: string, body: unknown, res: ServerResponse) => Promise<void>;
  /** The polled routes (liveness, readiness, metrics), answered as their Express routes answer them. */
  readonly monitor?: MonitorRoutes;
}

/** A model name as it can appear in a fast-path URL: nothing to decode, nothing to normalize. */
const NAME = /^[A-Za-z0-9._-]+$/;
/** A query string Express's parseurl + querystring reads exactly as querystring alone does. */
const QUERY = /^[A-Za-z0-9\-._~%&=+,]*$/;
const V1 = '/v1/models/';
const V2 = '/v2/models/';

/** The metrics label of each route: its Express pattern. Body errors come before routing: 'unmatched'. */
const LABEL = {
  samples: '/v1/models/:name/samples',
  image: '/v1/models/:name/samples.:ext',
  infer: '/v2/models/:name/infer',
  unmatched: 'unmatched',
} as const;

/** The 'request' listener's first look: true when it took the request, false to hand it to Express. */
export type FastPath = (req: IncomingMessage, res: ServerResponse, closing: boolean) => boolean;

export function createFastPath(o: FastPathOptions): FastPath {
  const { ctx } = o;
  const headers = o.cors?.anyOrigin
    ? [...o.securityHeaders, ...recordHeaders(o.cors.handler)]
    : o.securityHeaders;
  const perRequestCors = o.cors?.anyOrigin === false ? o.cors.handler : undefined;

  /**
   * What every taken request gets first: counted in flight until its response closes (answered or
   * aborted), and recorded then if it was answered. One 'close' listener for both: node:http emits
   * 'close' after 'finish' for every response, and writableFinished tells the two apart.
   */
  function begin(req: IncomingMessage, res: ServerResponse, label: { route: string }): void {
    const started = performance.now();
    o.inFlight.enter();
    res.on('close', () => {
      o.inFlight.leave();
      if (res.writableFinished) o.record(label.route, req.method!, req.url!, res.statusCode, started);
    });
  }

  function setFixed(res: ServerResponse): void {
    for (const [name, value] of headers) res.setHeader(name, value);
  }

  /**
   * The app's fixed headers and CORS, set as its middleware sets them, before anything else is set: at
   * once for a GET, after the body for a POST (which the inline lane may answer with its own writeHead).
   */
  function prepare(req: IncomingMessage, res: ServerResponse): void {
    setFixed(res);
    perRequestCors?.(req as never, res as never, noop);
  }

  /** The lone npy request's lane (inline-lane.ts); not with per-request CORS, whose headers come first. */
  const lane = perRequestCors
    ? undefined
    : createInlineLane({
        ctx,
        fixedHeaders: headers,
        fail: (res, err) => {
          setFixed(res);
          writeError(res, err, o.logError, 'v1');
        },
      });

  function answer(p: Promise<void>, res: ServerResponse, shape: 'v1' | 'v2'): void {
    p.catch((err: unknown) => writeError(res, err, o.logError, shape));
  }

  function post(
    req: IncomingMessage,
    res: ServerResponse,
    route: 'samples' | 'infer',
    name: string,
  ): boolean {
    const run =
      route === 'samples'
        ? (body: unknown) => postSamples(ctx, name, body, res, plainSend)
        : o.v2Infer && ((body: unknown) => o.v2Infer!(ctx, name, body, res));
    if (!run || plainJsonLength(req, o.maxBodyBytes) === undefined) return false;
    const label: { route: string } = { route: LABEL.unmatched };
    const shape = route === 'infer' ? 'v2' : 'v1';
    begin(req, res, label);
    readBody(req, (bytes) => {
      const body = parseJsonBody(bytes, req.headers['content-type']!, o.jsonParser, res);
      const routed = (value: unknown) => {
        label.route = LABEL[route];
        prepare(req, res);
        answer(run(value), res, shape);
      };
      if (!isPending(body)) {
        if (route === 'samples' && lane?.(name, body, res)) {
          label.route = LABEL.samples;
          return;
        }
        return routed(body);
      }
      // Bodies express.json rejects fail before routing, as they do in Express: route 'unmatched'.
      body.then(routed, (err: unknown) => {
        prepare(req, res);
        writeError(res, err, o.logError, shape);
      });
    });
    return true;
  }

  function get(req: IncomingMessage, res: ServerResponse, url: string): boolean {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const ext = path.endsWith('/samples.png') ? 'png' : path.endsWith('/samples.webp') ? 'webp' : undefined;
    if (!ext) return false;
    const name = path.slice(V1.length, path.length - '/samples.'.length - ext.length);
    const query = q < 0 ? '' : url.slice(q + 1);
    const h = req.headers;
    if (
      !NAME.test(name) ||
      !QUERY.test(query) ||
      h['if-none-match'] !== undefined ||
      h['if-modified-since'] !== undefined ||
      h['content-length'] !== undefined ||
      h['transfer-encoding'] !== undefined
    )
      return false;
    begin(req, res, { route: LABEL.image });
    prepare(req, res);
    const parsed = parseQuery(query) as Record<string, unknown>;
    answer(getSamplesImage(ctx, name, ext, parsed, undefined, res, plainSend), res, 'v1');
    return true;
  }

  /**
   * GET of a polled route (monitoring.ts): exactly its path, no query, no body, not conditional. These
   * are off Express for the sake of the generating routes. Express gives every request it handles
   * prototypes of its own. Each such request, reaching node:http's response and stream code between
   * fast-path requests, deoptimized about 30 of its functions ("wrong map", `node --trace-deopt`), every
   * time, and they ran slower until re-optimized. Measured on the 2-core machine at 4 samples x 1
   * connection: a /healthz probe before each 2 s slice cost 4-12% of the slice's samples/s; a /metrics
   * scrape before each, 13%. Answered here, a probe deoptimizes them once (new maps), then never again.
   */
  function monitorGet(req: IncomingMessage, res: ServerResponse, url: string): boolean {
    const m = o.monitor?.get(url);
    const h = req.headers;
    if (
      !m ||
      h['if-none-match'] !== undefined ||
      h['if-modified-since'] !== undefined ||
      h['content-length'] !== undefined ||
      h['transfer-encoding'] !== undefined
    )
      return false;
    begin(req, res, m);
    prepare(req, res);
    answer(
      Promise.resolve(m.answer()).then((a) => sendMonitorAnswer(res, a, plainSend)),
      res,
      url.startsWith('/v2/') ? 'v2' : 'v1',
    );
    return true;
  }

  return (req, res, closing) => {
    if (closing) return false;
    const url = req.url!;
    if (req.method === 'POST') {
      if (url.startsWith(V1) && url.endsWith('/samples')) {
        const name = url.slice(V1.length, -'/samples'.length);
        return NAME.test(name) && post(req, res, 'samples', name);
      }
      if (url.startsWith(V2) && url.endsWith('/infer')) {
        const name = url.slice(V2.length, -'/infer'.length);
        return NAME.test(name) && post(req, res, 'infer', name);
      }
      return false;
    }
    if (req.method === 'GET') return url.startsWith(V1) ? get(req, res, url) : monitorGet(req, res, url);
    return false;
  };
}

function noop(): void {}
