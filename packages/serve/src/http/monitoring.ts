import type { ServerResponse } from 'node:http';
import type { ServeContext } from './context.ts';
import type { Send } from './sample-handlers.ts';
import { v2ServerReady } from './v2-status.ts';

/** What a monitoring route answers: a status and a JSON value, or a status and text of a content type. */
export type MonitorAnswer =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly text: string; readonly contentType: string };

/**
 * The routes that load balancers, orchestrators and scrapers poll (liveness, readiness, metrics; the
 * Open Inference Protocol's server health), keyed by path, each with its route label in the metrics.
 * Answered from here by both their Express routes (routes-health.ts, routes-v2.ts) and the fast path
 * (fast-path.ts), so either gives the same status and body.
 */
export type MonitorRoutes = ReadonlyMap<
  string,
  { readonly route: string; readonly answer: () => MonitorAnswer | Promise<MonitorAnswer> }
>;

export function monitorRoutes(ctx: ServeContext): MonitorRoutes {
  const { registry, metrics, isClosing } = ctx;
  const ready = () => v2ServerReady(ctx);
  const routes: [string, () => MonitorAnswer | Promise<MonitorAnswer>][] = [
    ['/healthz', () => ({ status: 200, json: { status: 'live' } })],
    [
      '/readyz',
      () => {
        const models = registry.list().map((e) => ({
          name: e.name,
          status: e.status,
          executionProvider: e.provider ?? null,
          ...(e.error ? { error: e.error } : {}),
        }));
        const ok = ready();
        const status = ok ? 'ready' : isClosing() ? 'shutting_down' : 'not_ready';
        return { status: ok ? 200 : 503, json: { status, models } };
      },
    ],
    [
      '/metrics',
      async () => ({
        status: 200,
        text: await metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
      }),
    ],
    ['/v2/health/live', () => ({ status: 200, json: { live: true } })],
    [
      '/v2/health/ready',
      () => {
        const ok = ready();
        return { status: ok ? 200 : 503, json: { ready: ok } };
      },
    ],
  ];
  return new Map(routes.map(([path, answer]) => [path, { route: path, answer }]));
}

/**
 * A monitoring answer on `res`, written once for both paths (as sample-handlers.ts writes the sample
 * routes): `send` is expressSend on the Express routes, plainSend on the fast path. JSON goes out as
 * res.json would send it; text as bytes, so Express keeps its Content-Type as given (for /metrics,
 * prom-client's own) instead of re-ordering its parameters.
 */
export function sendMonitorAnswer(res: ServerResponse, a: MonitorAnswer, send: Send): void {
  res.statusCode = a.status;
  res.setHeader('Content-Type', 'json' in a ? 'application/json; charset=utf-8' : a.contentType);
  send(res, Buffer.from('json' in a ? JSON.stringify(a.json) : a.text));
}
