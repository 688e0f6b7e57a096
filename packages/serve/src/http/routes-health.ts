import { Router } from 'express';
import { labelRoute } from './errors.ts';
import { sendMonitorAnswer, type MonitorRoutes } from './monitoring.ts';
import { expressSend } from './sample-handlers.ts';

/** /healthz, /readyz, /metrics and /openapi.json: what load balancers, scrapers and clients poll. */
export function healthRoutes(o: { readonly monitor: MonitorRoutes; readonly openapi: object }): Router {
  const r = Router();
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    const { answer } = o.monitor.get(path)!;
    r.get(path, labelRoute, async (_req, res) => sendMonitorAnswer(res, await answer(), expressSend));
  }
  r.get('/openapi.json', labelRoute, (_req, res) => {
    res.json(o.openapi);
  });
  return r;
}
