import { Router } from 'express';
import { GanforgeError } from '@ganforge/core';
import { encodeAnimation, encodeGrid } from '../render/images.ts';
import { admit, checkModelLimit, generate, readyModel, type ServeContext } from './context.ts';
import { requestClasses } from './classes.ts';
import { labelRoute, notFound, parseOrThrow } from './errors.ts';
import { walkLatents } from './latents.ts';
import { defaultWithin, expressSend, getSamplesImage, postSamples, sendArrays } from './sample-handlers.ts';
import { modelView } from './views.ts';

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

  // The sample routes' logic is sample-handlers.ts's, which the fast path (fast-path.ts) runs too.
  r.post('/models/:name/samples', labelRoute, (req, res) =>
    postSamples(ctx, String(req.params.name), req.body, res, expressSend),
  );

  r.get('/models/:name/samples.:ext', labelRoute, (req, res) => {
    const ext = String(req.params.ext);
    if (ext !== 'png' && ext !== 'webp')
      throw notFound(`no route for GET ${req.path} (samples.png or samples.webp)`);
    return getSamplesImage(
      ctx,
      String(req.params.name),
      ext,
      req.query as Record<string, unknown>,
      req.headers['if-none-match'],
      res,
      expressSend,
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
    const given = (req.body as { steps?: unknown } | undefined)?.steps !== undefined;
    const steps = given ? body.steps : Math.max(2, defaultWithin(body.steps, e));
    const walk = walkLatents(e.spec, seeds, steps, body.mode, body.truncation, body.boomerang);
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
    checkModelLimit(e, walk.n, "body field 'steps'", `the walk has ${walk.n} frames`, 'steps');
    // A walk stays in one class: the one asked for, else class 0 (not the i mod K mix of samples).
    const classes = e.spec.conditioning
      ? requestClasses(e, { class: body.class ?? 0 }, walk.n, 'body')
      : requestClasses(e, body, walk.n, 'body');
    admit(ctx, res, walk.n);
    const batch = await generate(ctx, e, walk.latents, walk.n, classes);
    switch (body.format) {
      case 'json':
      case 'npy':
        await sendArrays(
          ctx,
          res,
          body.format,
          batch,
          walk.latents,
          {
            model: e.name,
            seeds,
            mode: body.mode,
            frames: walk.n,
            ...(classes ? { class: classes[0]! } : {}),
          },
          expressSend,
        );
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
