import type { ServerResponse } from 'node:http';
import { npyPieces } from '../render/npy.ts';
import { isReady, type ServeContext } from './context.ts';
import type { HeaderList } from './fixed-headers.ts';
import { seededLatents } from './latents.ts';
import { endPieces, MIME } from './sample-handlers.ts';

/**
 * The inline lane: POST /v1/models/<name>/samples for npy, taken whole in one call when the scheduler
 * would run it at once on the HTTP thread's own session anyway (a lone client's small request: every
 * worker idle, nothing queued; BatchScheduler.runLone). It validates with the same schema, runs the
 * same session on the same latents, records the same metrics and sends the same status, headers and
 * bytes as postSamples (sample-handlers.ts) would; what it leaves out is the general route's
 * per-request machinery around them: the chain of async functions from the handler down to the
 * session (handler, generate, submit, the scheduler's run), the response headers set one by one before
 * the answer (here all of them go to node:http in one writeHead, which builds no header map), and the
 * admission's 'close' listener (the lane gives its samples back itself once it has answered).
 *
 * Why a lane of its own: on the 2-core machine a lone client's request costs about 150 µs of
 * onnxruntime and, around it, ganforge's own work. Between two requests the run evicts that work's code
 * and data from the caches, so every piece of it runs cold, and many small pieces add up: no single one
 * measured above the noise, all of them together about 35 µs more main-thread CPU per request than the
 * naive server spends. Measured with the shipped DCGAN against the naive server and the commit before,
 * in one run (BENCHMARKS.md, "The inline lane"): 1 sample x 1 connection 1.10x of the naive server
 * against 1.04x, with 218 against 236 µs of main-thread CPU per request; 4 x 1, 523 against 540 µs.
 *
 * Anything else returns false having written nothing, and the caller takes the general route, which
 * then gives the same answer it always did (errors included: the lane never answers an invalid request,
 * a model not ready, a request over a limit or a 429; it falls back and the general route throws them).
 */
export type InlineLane = (name: string, body: unknown, res: ServerResponse) => boolean;

export interface InlineLaneOptions {
  readonly ctx: ServeContext;
  /** Headers every answer carries before its own (helmet's, CORS's for any origin), in order. */
  readonly fixedHeaders: HeaderList;
  /** Answers a failed run as the general route does (its headers, then the error answer). */
  readonly fail: (res: ServerResponse, err: unknown) => void;
}

export function createInlineLane(o: InlineLaneOptions): InlineLane {
  const { ctx } = o;
  const fixed = o.fixedHeaders.flatMap(([name, value]) => [name, value]);

  return (name, body, res) => {
    const e = ctx.registry.get(name);
    if (!e || !isReady(e) || e.spec.conditioning) return false;
    const parsed = ctx.schemas.samples.safeParse(body);
    if (!parsed.success) return false;
    const b = parsed.data;
    if (b.format !== 'npy' || b.latents || b.classes || b.class !== undefined) return false;
    const n = b.n ?? 1;
    if (n > e.limits.maxSamplesPerRequest) return false;
    let latents: Float32Array;
    try {
      latents = seededLatents(e.spec, b.seed, n, b.truncation);
    } catch {
      return false;
    }
    if (!ctx.admission.tryTake(n)) return false;
    const run = ctx.scheduler.runLone(e.name, latents, n);
    if (!run) {
      ctx.admission.release(n);
      return false;
    }
    const { spec } = e;
    run.then(
      (data) => {
        ctx.metrics.recordSamples(e.name, n);
        ctx.metrics.recordLaneRequest(e.name);
        sendNpy(res, fixed, data, [n, spec.height, spec.width, spec.channels]);
        ctx.admission.release(n);
      },
      (err: unknown) => {
        ctx.admission.release(n);
        o.fail(res, err);
      },
    );
    return true;
  };
}

/**
 * A 200 with `fixed` headers, then Content-Type, X-Shape and Content-Length (the order the general
 * route's setHeader calls give), in one writeHead: node:http writes an array of headers given there
 * straight into the head, with no header map built first. The body goes out as plainSend sends it.
 */
function sendNpy(res: ServerResponse, fixed: readonly string[], data: Float32Array, shape: number[]): void {
  const pieces = npyPieces(data, shape);
  const length = pieces.reduce((sum, p) => sum + p.length, 0);
  res.writeHead(200, [
    ...fixed,
    'Content-Type',
    MIME.npy,
    'X-Shape',
    shape.join(','),
    'Content-Length',
    String(length),
  ]);
  endPieces(res, pieces, length);
}
