import { Router, type ErrorRequestHandler } from 'express';
import { GanforgeError } from '@ganforge/core';
import { FloatArray, sendJson } from '../render/json-stream.ts';
import { admit, generate, readyModel, type ServeContext } from './context.ts';
import { labelRoute, parseOrThrow } from './errors.ts';
import { v2ModelMetadata } from './views.ts';

function flatten(data: readonly unknown[], out: number[] = []): number[] {
  for (const v of data) {
    if (Array.isArray(v)) flatten(v, out);
    else out.push(v as number);
  }
  return out;
}

/**
 * The Open Inference Protocol (KServe v2) REST endpoints. Errors here follow that protocol's shape,
 * `{"error": "<message>"}` (v2 clients such as tritonclient read a string), plus our `code`.
 */
export function v2Routes(ctx: ServeContext, version: string): Router {
  const r = Router();

  r.get('/', labelRoute, (_req, res) => {
    res.json({ name: 'ganforge', version, extensions: [] });
  });
  r.get('/health/live', labelRoute, (_req, res) => {
    res.json({ live: true });
  });
  r.get('/health/ready', labelRoute, (_req, res) => {
    const ready = ctx.registry.allReady() && !ctx.isClosing();
    res.status(ready ? 200 : 503).json({ ready });
  });

  r.get(['/models/:name', '/models/:name/versions/:version'], labelRoute, (req, res) => {
    const e = ctx.registry.get(String(req.params.name));
    if (!e)
      throw new GanforgeError('model_not_found', `no model named '${String(req.params.name).slice(0, 80)}'`, {
        status: 404,
      });
    res.json(v2ModelMetadata(e));
  });

  r.get(['/models/:name/ready', '/models/:name/versions/:version/ready'], labelRoute, (req, res) => {
    const e = ctx.registry.get(String(req.params.name));
    if (!e)
      throw new GanforgeError('model_not_found', `no model named '${String(req.params.name).slice(0, 80)}'`, {
        status: 404,
      });
    const ready = e.status === 'ready';
    res.status(ready ? 200 : 503).json({ name: e.name, ready });
  });

  r.post(['/models/:name/infer', '/models/:name/versions/:version/infer'], labelRoute, async (req, res) => {
    const e = readyModel(ctx, String(req.params.name));
    const body = parseOrThrow(ctx.schemas.v2Infer, req.body ?? {});
    const input = body.inputs[0]!;
    const d = e.spec.latentDim;
    if (input.name !== e.spec.inputName) {
      throw new GanforgeError(
        'invalid_request',
        `inputs[0].name: expected '${e.spec.inputName}', got '${input.name}'`,
        { status: 400 },
      );
    }
    if (input.shape.length !== 2 || input.shape[1] !== d) {
      throw new GanforgeError(
        'invalid_request',
        `inputs[0].shape: expected [N, ${d}], got [${input.shape.join(', ')}]`,
        { status: 400 },
      );
    }
    const n = input.shape[0]!;
    if (n < 1 || n > ctx.maxFrames) {
      throw new GanforgeError('invalid_request', `inputs[0].shape: N must be 1..${ctx.maxFrames}, got ${n}`, {
        status: 400,
      });
    }
    admit(ctx, res, n);
    const flat = flatten(input.data);
    if (flat.length !== n * d) {
      throw new GanforgeError(
        'invalid_request',
        `inputs[0].data: expected ${n * d} numbers for shape [${n}, ${d}], got ${flat.length}`,
        { status: 400 },
      );
    }
    const bad = flat.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0)
      throw new GanforgeError('invalid_request', `inputs[0].data[${bad}]: expected a finite number`, {
        status: 400,
      });
    for (const o of body.outputs ?? []) {
      if (o.name !== e.spec.outputName) {
        throw new GanforgeError(
          'invalid_request',
          `outputs: unknown output '${o.name}' (the model has '${e.spec.outputName}')`,
          { status: 400 },
        );
      }
    }
    const batch = await generate(ctx, e, Float32Array.from(flat), n);
    await sendJson(
      res,
      {
        model_name: e.name,
        model_version: String(e.generation),
        ...(body.id !== undefined ? { id: body.id } : {}),
        outputs: [
          {
            name: e.spec.outputName,
            datatype: 'FP32',
            shape: [n, batch.height, batch.width, batch.channels],
            data: new FloatArray(batch.data),
          },
        ],
      },
      ctx.encoder,
    );
  });

  return r;
}

/** v2 error shape: `{error: message, code}`, status as mapped by the main handler. */
export const v2ErrorShape: ErrorRequestHandler = (err, _req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const b = body as { error?: { message?: string; code?: string } };
    if (b && typeof b.error === 'object' && b.error)
      return json({ error: b.error.message, code: b.error.code });
    return json(body);
  };
  next(err);
};
