import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import { GanforgeError } from '@ganforge/core';
import { encodeGrid, type ImageBatch } from '../render/images.ts';
import { FloatArray, sendJson } from '../render/json-stream.ts';
import { npyPieces } from '../render/npy.ts';
import {
  admit,
  checkModelLimit,
  generate,
  readyModel,
  type ReadyEntry,
  type ServeContext,
} from './context.ts';
import { notConditional, perClassRows, requestClasses } from './classes.ts';
import { parseOrThrow } from './errors.ts';
import { requestLatents } from './latents.ts';
import type { SamplesQuery } from './schemas.ts';

/**
 * The sample routes' logic (POST /v1/models/:name/samples, GET /v1/models/:name/samples.png|.webp),
 * written once against node:http's response and run by both their Express routes (routes-v1.ts) and
 * the fast path (fast-path.ts). The one thing that differs is how a finished binary body goes out:
 * `Send`. The Content-Type is set here, as the full MIME type (what Express's res.type() resolves).
 */
export type Send = (res: ServerResponse, body: Buffer | readonly Buffer[]) => void;

/** Through Express's res.send (Content-Length, HEAD, freshness against the ETag); pieces joined. */
export const expressSend: Send = (res, body) => {
  (res as Response).send(Buffer.isBuffer(body) ? body : Buffer.concat(body as Buffer[]));
};

/** Bodies up to this size go out as one buffer: copying them costs less than a second write call. */
const JOIN_BELOW_BYTES = 16 * 1024;

/**
 * Straight onto the socket: what res.send does for the requests the fast path takes (POST, or GET
 * without conditional headers, so never fresh; never HEAD).
 */
export const plainSend: Send = (res, body) => {
  const pieces = Buffer.isBuffer(body) ? [body] : (body as readonly Buffer[]);
  let length = 0;
  for (const p of pieces) length += p.length;
  res.setHeader('Content-Length', String(length));
  endPieces(res, pieces, length);
};

/**
 * Ends `res` with `pieces`, `length` bytes in all, its head already set: a small body joined and sent
 * with res.end alone (one pass through node:http's write path, head and body in one syscall), a large
 * one corked, without a copy.
 */
export function endPieces(res: ServerResponse, pieces: readonly Buffer[], length: number): void {
  if (pieces.length === 1) {
    res.end(pieces[0]);
    return;
  }
  if (length <= JOIN_BELOW_BYTES) {
    res.end(Buffer.concat(pieces as Buffer[], length));
    return;
  }
  res.cork();
  for (let i = 0; i + 1 < pieces.length; i++) res.write(pieces[i]);
  res.end(pieces[pieces.length - 1]);
  res.uncork();
}

export const MIME = {
  npy: 'application/octet-stream',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
} as const;

/** A batch as arrays: npy (float32 NHWC, X-Shape header) or JSON (images and latents as rows). */
export async function sendArrays(
  ctx: ServeContext,
  res: ServerResponse,
  format: 'json' | 'npy',
  batch: ImageBatch,
  latents: Float32Array,
  extra: object,
  send: Send,
): Promise<void> {
  const shape = [batch.n, batch.height, batch.width, batch.channels];
  if (format === 'npy') {
    res.setHeader('Content-Type', MIME.npy);
    res.setHeader('X-Shape', shape.join(','));
    send(res, npyPieces(batch.data, shape));
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

/**
 * A default count (n, steps) lowered to the model's per-request limit, as the schemas lower it to the
 * server's --max-n; for a model whose card sets no lower limit it is unchanged.
 */
export function defaultWithin(value: number, e: ReadyEntry): number {
  return Math.min(value, e.limits.maxSamplesPerRequest);
}

/** POST /v1/models/:name/samples with its parsed JSON body (undefined when there was none). */
export async function postSamples(
  ctx: ServeContext,
  name: string,
  reqBody: unknown,
  res: ServerResponse,
  send: Send,
): Promise<void> {
  const e = readyModel(ctx, name);
  if (reqBody === undefined || typeof reqBody !== 'object' || reqBody === null || Array.isArray(reqBody)) {
    throw new GanforgeError(
      'invalid_request',
      'the body must be a JSON object (Content-Type: application/json)',
      { status: 400 },
    );
  }
  const body = parseOrThrow(ctx.schemas.samples, reqBody);
  // Without n or latents, a classes list says how many samples (one per class given).
  const asked = body.latents?.length ?? body.n ?? body.classes?.length ?? 1;
  const field = body.latents ? 'latents' : body.n === undefined && body.classes ? 'classes' : 'n';
  checkModelLimit(e, asked, `body field '${field}'`, `${asked} samples asked`, field);
  const classes = requestClasses(e, body, asked, 'body');
  admit(ctx, res, asked);
  const { latents, n } = requestLatents(e.spec, body.latents ? body : { ...body, n: asked });
  const batch = await generate(ctx, e, latents, n, classes);
  if (body.format === 'json' || body.format === 'npy') {
    await sendArrays(
      ctx,
      res,
      body.format,
      batch,
      latents,
      {
        model: e.name,
        ...(body.latents ? {} : { seed: body.seed }),
        n,
        ...(classes ? { classes: Array.from(classes) } : {}),
      },
      send,
    );
    return;
  }
  const image = await encodeGrid(batch, body.format, body.grid ?? {});
  res.setHeader('Content-Type', MIME[body.format]);
  send(res, image);
}

/**
 * GET /v1/models/:name/samples.png|.webp with its parsed query string and If-None-Match header. The
 * image is a pure function of (model version, query): a strong ETag lets caches skip the work.
 */
export async function getSamplesImage(
  ctx: ServeContext,
  name: string,
  ext: 'png' | 'webp',
  query: Record<string, unknown>,
  ifNoneMatch: string | undefined,
  res: ServerResponse,
  send: Send,
): Promise<void> {
  const e = readyModel(ctx, name);
  const parsed = parseOrThrow(ctx.schemas.samplesQuery, query, 'query');
  if (parsed.layout === 'per-class')
    return getPerClassImage(ctx, e, ext, query, parsed, ifNoneMatch, res, send);
  // The default n, like --max-n's, is lowered to the model's own limit (a no-op without one in its card).
  const q = query.n === undefined ? { ...parsed, n: defaultWithin(parsed.n, e) } : parsed;
  checkModelLimit(e, q.n, "query field 'n'", `${q.n} samples asked`, 'n');
  const classes = requestClasses(e, { class: q.class }, q.n, 'query');
  // An unconditional model's key is what it always was, so its ETags stay valid.
  const canonical = JSON.stringify([
    e.name,
    e.fingerprint,
    ext,
    q.seed,
    q.n,
    q.columns ?? null,
    q.padding,
    q.truncation ?? null,
    ...(classes ? [q.class === undefined ? null : classes[0]!] : []),
  ]);
  if (notModified(canonical, ifNoneMatch, res)) return;
  admit(ctx, res, q.n);
  const { latents, n } = requestLatents(e.spec, { n: q.n, seed: q.seed, truncation: q.truncation });
  const batch = await generate(ctx, e, latents, n, classes);
  const image = await encodeGrid(batch, ext, {
    ...(q.columns ? { columns: q.columns } : {}),
    padding: q.padding,
  });
  res.setHeader('Content-Type', MIME[ext]);
  send(res, image);
}

/**
 * Sets the strong ETag of an image whose bytes are a pure function of `canonical` (and its caching
 * header); true when the client's If-None-Match holds it, the 304 then sent.
 */
function notModified(canonical: string, ifNoneMatch: string | undefined, res: ServerResponse): boolean {
  const etag = `"${createHash('sha256').update(canonical).digest('base64url').slice(0, 27)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'public, max-age=3600');
  if (!ifNoneMatch?.split(/\s*,\s*/).includes(etag)) return false;
  res.statusCode = 304;
  res.end();
  return true;
}

/** The default samples per class of a per-class grid: 8, fewer when K x 8 passes the per-request limit. */
const PER_CLASS_N = 8;

/**
 * GET samples.png|.webp?layout=per-class: one row per class of a class-conditional model, n samples per
 * row (n x K in all, within the per-request limit), column j the latent j of the seed in every row.
 */
async function getPerClassImage(
  ctx: ServeContext,
  e: ReadyEntry,
  ext: 'png' | 'webp',
  query: Record<string, unknown>,
  q: SamplesQuery,
  ifNoneMatch: string | undefined,
  res: ServerResponse,
  send: Send,
): Promise<void> {
  const cond = e.spec.conditioning;
  if (!cond) throw notConditional(e, "query field 'layout'", 'layout');
  for (const field of ['class', 'columns'] as const) {
    if (q[field] !== undefined)
      throw Object.assign(
        new GanforgeError(
          'invalid_request',
          `query field '${field}': layout=per-class has one row per class and one column per sample (n)`,
          { status: 400 },
        ),
        { field },
      );
  }
  const k = cond.classes.length;
  const limit = e.limits.maxSamplesPerRequest;
  const n = query.n === undefined ? Math.max(1, Math.min(PER_CLASS_N, Math.floor(limit / k))) : q.n;
  if (n * k > limit) {
    throw Object.assign(
      new GanforgeError(
        'invalid_request',
        `query field 'n': layout=per-class makes n x ${k} classes = ${n * k} samples, more than model '${e.name}' takes per request (${limit})`,
        { status: 400, hint: `ask for n <= ${Math.max(1, Math.floor(limit / k))}` },
      ),
      { field: 'n' },
    );
  }
  const canonical = JSON.stringify([
    e.name,
    e.fingerprint,
    ext,
    'per-class',
    q.seed,
    n,
    q.padding,
    q.truncation ?? null,
  ]);
  if (notModified(canonical, ifNoneMatch, res)) return;
  admit(ctx, res, n * k);
  const seeded = requestLatents(e.spec, { n, seed: q.seed, truncation: q.truncation });
  const rows = perClassRows(seeded.latents, n, k);
  const batch = await generate(ctx, e, rows.latents, rows.n, rows.classes);
  const image = await encodeGrid(batch, ext, { columns: n, padding: q.padding });
  res.setHeader('Content-Type', MIME[ext]);
  send(res, image);
}
