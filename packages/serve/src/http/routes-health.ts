import { Router } from 'express';
import type { ModelRegistry } from '../registry/model-registry.ts';
import { labelRoute } from './errors.ts';
import type { ServeMetrics } from './metrics.ts';

/** /healthz, /readyz, /metrics and /openapi.json: what load balancers, scrapers and clients poll. */
export function healthRoutes(o: {
  readonly registry: ModelRegistry;
  readonly metrics: ServeMetrics;
  readonly isClosing: () => boolean;
  readonly openapi: object;
}): Router {
  const { registry, metrics, isClosing, openapi } = o;
  const r = Router();
  r.get('/healthz', labelRoute, (_req, res) => {
    res.json({ status: 'live' });
  });
  r.get('/readyz', labelRoute, (_req, res) => {
    const models = registry.list().map((e) => ({
      name: e.name,
      status: e.status,
      executionProvider: e.provider ?? null,
      ...(e.error ? { error: e.error } : {}),
    }));
    const closing = isClosing();
    const ready = registry.allReady() && !closing;
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : closing ? 'shutting_down' : 'not_ready', models });
  });
  r.get('/metrics', labelRoute, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  r.get('/openapi.json', labelRoute, (_req, res) => {
    res.json(openapi);
  });
  return r;
}
