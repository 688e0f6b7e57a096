import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { GanforgeError } from '@ganforge/core';
import { encodeAnimation, encodeGrid, type ImageBatch } from '../render/images.ts';
import { FloatArray, sendJson } from '../render/json-stream.ts';
import { encodeNpy } from '../render/npy.ts';
import { admit, generate, readyModel, type ServeContext } from './context.ts';
import { labelRoute, notFound, parseOrThrow } from './errors.ts';
import { requestLatents, walkLatents } from './latents.ts';
import { modelView } from './views.ts';

async function sendArrays(
  ctx: ServeContext,
  res: Response,
  format: 'json' | 'npy',
  batch: ImageBatch,
  latents: Float32Array,
  extra: object,
): Promise<void> {
  const shape = [batch.n, batch.height, batch.width, batch.channels];
  if (format === 'npy') {
    res.type('application/octet-stream').setHeader('X-Shape', shape.join(','));
    res.send(encodeNpy(batch.data, shape));
    return;
  }
  await sendJson(
    res,
    {
      ...extra,
      shape,
      dtype: 'float32',
      range: [-1, 1],
      layout: 'NHWC',
      images: new FloatArray(batch.data, batch.n),
      latents: new FloatArray(latents, batch.n),
    },
    ctx.encoder,
  );
}

/** /v1: models, samples (POST and cacheable GET), interpolations. */
export function v1Routes(ctx: ServeContext): Router {
  const r = Router();

  r.get('/models', labelRoute, (_req, res) => {
    res.json({ models: ctx.registry.list().map(modelView) });
  });

  r.get('/models/:name', labelRoute, (req, res) => {
    const e = ctx.registry.get(String(req.params.name));
    if (!e) throw notFound(`no model named '${String(req.params.name).slice(0, 80)}'`, 'model_not_found');
    res.json(modelView(e));
  });

  r.post('/models/:name/samples', labelRoute, async (req, res) => {
    const e = readyModel(ctx, String(req.params.name));
    if (
      req.body === undefined ||
      typeof req.body !== 'object' ||
      req.body === null ||
      Array.isArray(req.body)
    ) {
      throw new GanforgeError(
        'invalid_request',
        'the body must be a JSON object (Content-Type: application/json)',
        { status: 400 },
      );
    }
    const body = parseOrThrow(ctx.schemas.samples, req.body);
    admit(ctx, res, body.latents?.length ?? body.n ?? 1);
    const { latents, n } = requestLatents(e.spec, body);
    const batch = await generate(ctx, e, latents, n);
    if (body.format === 'json' || body.format === 'npy') {
      await sendArrays(ctx, res, body.format, batch, latents, {
        model: e.name,
        ...(body.latents ? {} : { seed: body.seed }),
        n,
      });
      return;
    }
    res.type(body.format).send(await encodeGrid(batch, body.format, body.grid ?? {}));
  });

  r.get('/models/:name/samples.:ext', labelRoute, async (req, res) => {
    const ext = String(req.params.ext);
    if (ext !== 'png' && ext !== 'webp')
      throw notFound(`no route for GET ${req.path} (samples.png or samples.webp)`);
    const e = readyModel(ctx, String(req.params.name));
    const q = parseOrThrow(ctx.schemas.samplesQuery, req.query, 'query');
    // The image is a pure function of (model version, query): a strong ETag lets caches skip the work.
    const canonical = JSON.stringify([
      e.name,
      e.fingerprint,
      ext,
      q.seed,
      q.n,
      q.columns ?? null,
      q.padding,
      q.truncation ?? null,
    ]);
    const etag = `"${createHash('sha256').update(canonical).digest('base64url').slice(0, 27)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
      res.status(304).end();
      return;
    }
    admit(ctx, res, q.n);
    const { latents, n } = requestLatents(e.spec, { n: q.n, seed: q.seed, truncation: q.truncation });
    const batch = await generate(ctx, e, latents, n);
    res
      .type(ext)
      .send(
        await encodeGrid(batch, ext, { ...(q.columns ? { columns: q.columns } : {}), padding: q.padding }),
      );
  });

  r.post('/models/:name/interpolations', labelRoute, async (req, res) => {
    const e = readyModel(ctx, String(req.params.name));
    const body = parseOrThrow(ctx.schemas.interpolations, req.body ?? {});
    const seeds =
      body.seeds ?? (body.from !== undefined && body.to !== undefined ? [body.from, body.to] : undefined);
    if (!seeds) {
      throw Object.assign(
        new GanforgeError(
          'invalid_request',
          "body field 'seeds': give 'seeds' (two or more) or both 'from' and 'to'",
          { status: 400 },
        ),
        { field: 'seeds' },
      );
    }
    const walk = walkLatents(e.spec, seeds, body.steps, body.mode, body.truncation, body.boomerang);
    if (walk.n > ctx.maxFrames) {
      throw Object.assign(
        new GanforgeError(
          'invalid_request',
          `body field 'steps': the walk has ${walk.n} frames, more than the limit of ${ctx.maxFrames}`,
          { status: 400 },
        ),
        { field: 'steps' },
      );
    }
    admit(ctx, res, walk.n);
    const batch = await generate(ctx, e, walk.latents, walk.n);
    switch (body.format) {
      case 'json':
      case 'npy':
        await sendArrays(ctx, res, body.format, batch, walk.latents, {
          model: e.name,
          seeds,
          mode: body.mode,
          frames: walk.n,
        });
        return;
      case 'png':
        res.type('png').send(await encodeGrid(batch, 'png', { columns: walk.n, padding: 0 }));
        return;
      default:
        res
          .type(body.format)
          .send(await encodeAnimation(batch, body.format, { delayMs: body.delayMs, loop: body.loop }));
    }
  });

  return r;
}
