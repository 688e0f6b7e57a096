import type { ServerResponse } from 'node:http';
import { Router, type ErrorRequestHandler } from 'express';
import { FloatArray, sendJson } from '../render/json-stream.ts';
import { admit, generate, readyModel, type ServeContext } from './context.ts';
import { labelRoute, parseOrThrow, v2ErrorBody, type ErrorBody } from './errors.ts';
import { binaryInferBody, sendBinaryInfer, wantsBinaryOutput } from './v2-binary.ts';
import { checkV2Classes, checkV2Latents, checkV2Outputs, v2InputHeads, v2OutputTensor } from './v2-infer.ts';
import { checkV2Version, v2Model, v2ModelReady, v2ServerMetadata } from './v2-status.ts';
import { sendMonitorAnswer, type MonitorRoutes } from './monitoring.ts';
import { expressSend } from './sample-handlers.ts';
import { v2ModelMetadata } from './views.ts';

function flatten(data: readonly unknown[], out: number[] = []): number[] {
  for (const v of data) {
    if (Array.isArray(v)) flatten(v, out);
    else out.push(v as number);
  }
  return out;
}

/**
 * POST /v2/models/:name[/versions/:version]/infer with its parsed JSON body (undefined when there was
 * none): run by the route below and by the fast path (fast-path.ts, unversioned form only).
 */
export async function inferRest(
  ctx: ServeContext,
  name: string,
  reqBody: unknown,
  res: ServerResponse,
  version?: string,
): Promise<void> {
  const e = readyModel(ctx, name);
  if (version !== undefined) checkV2Version(e, version);
  const body = parseOrThrow(ctx.schemas.v2Infer, reqBody ?? {});
  const { latent, classes, n } = v2InputHeads(ctx, e, body.inputs);
  admit(ctx, res, n);
  const flat = flatten(latent.tensor.data);
  checkV2Latents(flat, n, e.spec.latentDim, `inputs[${latent.index}].data`);
  const ids = classes && checkV2Classes(e, flatten(classes.tensor.data), n, `inputs[${classes.index}].data`);
  checkV2Outputs(e, body.outputs);
  const batch = await generate(ctx, e, Float32Array.from(flat), n, ids);
  const head = {
    model_name: e.name,
    model_version: String(e.generation),
    ...(body.id !== undefined ? { id: body.id } : {}),
  };
  if (wantsBinaryOutput(body, e.spec.outputName)) {
    sendBinaryInfer(res, { ...head, outputs: [v2OutputTensor(e, batch)] }, batch.data);
    return;
  }
  await sendJson(
    res,
    {
      ...head,
      outputs: [{ ...v2OutputTensor(e, batch), data: new FloatArray(batch.data) }],
    },
    ctx.encoder,
  );
}

/** The `:version` of a `/versions/:version` route, undefined on the unversioned forms. */
function versionParam(params: Record<string, unknown>): string | undefined {
  return params.version === undefined ? undefined : String(params.version);
}

/**
 * The Open Inference Protocol (KServe v2) REST endpoints. Errors here follow that protocol's shape,
 * `{"error": "<message>"}` (v2 clients such as tritonclient read a string), plus our `code`. The answers
 * and checks are v2-status.ts's and v2-infer.ts's, which the gRPC service (grpc/) calls too.
 */
export function v2Routes(ctx: ServeContext, version: string, monitor: MonitorRoutes): Router {
  const r = Router();

  r.get('/', labelRoute, (_req, res) => {
    res.json(v2ServerMetadata(version));
  });
  for (const path of ['/health/live', '/health/ready']) {
    const { answer } = monitor.get(`/v2${path}`)!;
    r.get(path, labelRoute, async (_req, res) => sendMonitorAnswer(res, await answer(), expressSend));
  }

  r.get(['/models/:name', '/models/:name/versions/:version'], labelRoute, (req, res) => {
    res.json(v2ModelMetadata(v2Model(ctx, String(req.params.name), versionParam(req.params))));
  });

  r.get(['/models/:name/ready', '/models/:name/versions/:version/ready'], labelRoute, (req, res) => {
    const e = v2Model(ctx, String(req.params.name), versionParam(req.params));
    const ready = v2ModelReady(ctx, e);
    res.status(ready ? 200 : 503).json({ name: e.name, ready });
  });

  const binaryBody = binaryInferBody(ctx);
  const infer = ['/models/:name/infer', '/models/:name/versions/:version/infer'];
  r.post(infer, labelRoute, binaryBody, (req, res) =>
    inferRest(ctx, String(req.params.name), req.body, res, versionParam(req.params)),
  );

  return r;
}

/** v2 error shape: `{error: message, code}`, status as mapped by the main handler. */
export const v2ErrorShape: ErrorRequestHandler = (err, _req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const b = body as Partial<ErrorBody>;
    if (b && typeof b.error === 'object' && b.error) return json(v2ErrorBody(b as ErrorBody));
    return json(body);
  };
  next(err);
};
