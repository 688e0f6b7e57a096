import { GanforgeError } from '@ganforge/core';
import type { BatchScheduler } from '../engine/batch-scheduler.ts';
import type { ModelEntry, ModelRegistry } from '../registry/model-registry.ts';
import type { ModelSpec } from '../registry/model-spec.ts';
import type { ModelLimits } from '../registry/serving-limits.ts';
import type { ImageBatch } from '../render/images.ts';
import type { JsonEncoder } from '../render/json-encoder.ts';
import type { Admission } from './admission.ts';
import { defaultClasses } from './classes.ts';
import type { ServeMetrics } from './metrics.ts';
import type { RequestSchemas } from './schemas.ts';

/** What the route modules share. */
export interface ServeContext {
  readonly registry: ModelRegistry;
  readonly scheduler: BatchScheduler;
  /** Encodes the float arrays of large JSON responses off the HTTP thread. */
  readonly encoder: JsonEncoder;
  /** Samples in progress across the server, refused past the limit (429). */
  readonly admission: Admission;
  readonly metrics: ServeMetrics;
  readonly schemas: RequestSchemas;
  readonly requestTimeoutMs: number;
  /** Most frames one interpolation may have (same as max n). */
  readonly maxFrames: number;
  readonly isClosing: () => boolean;
}

export type ReadyEntry = ModelEntry & { spec: ModelSpec; limits: ModelLimits };

/** Whether `e` can serve now: loaded, with its spec and limits (what readyModel answers 503 to otherwise). */
export function isReady(e: ModelEntry): e is ReadyEntry {
  return e.status === 'ready' && e.spec !== undefined && e.limits !== undefined;
}

/** The entry for a request's model name: 404 when unknown (the name never reaches the file system), 503 when not ready. */
export function readyModel(ctx: ServeContext, name: string): ReadyEntry {
  const e = ctx.registry.get(name);
  if (!e) {
    throw new GanforgeError('model_not_found', `no model named '${name.slice(0, 80)}'`, {
      status: 404,
      hint: 'GET /v1/models lists the models',
    });
  }
  if (!isReady(e)) {
    throw new GanforgeError(
      'model_not_ready',
      `model '${name}' is ${e.status}${e.error ? `: ${e.error.message}` : ''}`,
      {
        status: 503,
      },
    );
  }
  return e as ReadyEntry;
}

/**
 * 400 when a request asks model `e` for more than its per-request limit. The request schemas already
 * hold every request to the server's --max-n (and /openapi.json shows it), so this only refuses what a
 * model's card lowered it to (serving.maxSamplesPerRequest; see registry/serving-limits.ts), and says
 * so. `where` is how the message starts ("body field 'n'"), `asked` what was asked ("10 samples").
 */
export function checkModelLimit(
  e: ReadyEntry,
  n: number,
  where: string,
  asked: string,
  field?: string,
): void {
  const limit = e.limits.maxSamplesPerRequest;
  if (n <= limit) return;
  const error = new GanforgeError(
    'invalid_request',
    `${where}: ${asked}, but model '${e.name}' takes at most ${limit} per request (serving.maxSamplesPerRequest in its card)`,
    { status: 400, hint: `ask for at most ${limit}, in several requests if need be` },
  );
  throw field === undefined ? error : Object.assign(error, { field });
}

/**
 * Admits a request for `n` samples (429 at once when the server is at capacity): they count as work in
 * progress until the response `res` is done. Routes call it as soon as they know n, before building
 * latents, so a refused request costs as little as possible.
 */
export function admit(
  ctx: ServeContext,
  res: { once(event: 'close', listener: () => void): unknown },
  n: number,
): void {
  ctx.admission.admit(n, res);
}

/**
 * Runs the generator on `n` latents (an admitted request's) through the batching queue; a
 * class-conditional model also on their n class ids (checked already: classes.ts), sample i being class
 * i mod K when none are given.
 */
export async function generate(
  ctx: ServeContext,
  e: ReadyEntry,
  latents: Float32Array,
  n: number,
  classes?: Int32Array,
): Promise<ImageBatch> {
  const cond = e.spec.conditioning;
  const ids = cond ? (classes ?? defaultClasses(n, cond.classes.length)) : undefined;
  const data = await ctx.scheduler.submit(e.name, latents, n, ctx.requestTimeoutMs, ids);
  ctx.metrics.recordSamples(e.name, n);
  return { data, n, height: e.spec.height, width: e.spec.width, channels: e.spec.channels };
}
