import { Router, type Response } from 'express';
import { labelRoute } from './errors.ts';
import type { MonitorAnswer, MonitorRoutes } from './monitoring.ts';

/** /healthz, /readyz, /metrics and /openapi.json: what load balancers, scrapers and clients poll. */
export function healthRoutes(o: { readonly monitor: MonitorRoutes; readonly openapi: object }): Router {
  const r = Router();
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    const { answer } = o.monitor.get(path)!;
    r.get(path, labelRoute, async (_req, res) => sendMonitorAnswer(res, await answer()));
  }
  r.get('/openapi.json', labelRoute, (_req, res) => {
    res.json(o.openapi);
  });
  return r;
}

/**
 * A monitoring answer through Express. Text goes out as bytes, so Express keeps its Content-Type as
 * given (for /metrics, prom-client's own) instead of re-ordering its parameters; the fast path sends
 * the same.
 */
export function sendMonitorAnswer(res: Response, a: MonitorAnswer): void {
  res.status(a.status);
  if ('json' in a) res.json(a.json);
  else res.type(a.contentType).send(Buffer.from(a.text));
}
