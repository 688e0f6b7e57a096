import { status as Status, type handleUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { GanforgeError } from '@ganforge/core';
import type { ServeContext } from '../http/context.ts';
import type { InFlight } from '../http/in-flight.ts';
import { v2Model, v2ModelReady, v2ServerMetadata, v2ServerReady } from '../http/v2-status.ts';
import { v2ModelMetadata } from '../http/views.ts';
import type { GrpcMetrics } from './grpc-metrics.ts';
import { modelInfer, type CallEnd } from './model-infer.ts';
import type { ModelInferRequest, ModelRequest } from './proto.ts';
import { grpcError } from './status-codes.ts';

export interface InferenceServiceOptions {
  readonly version: string;
  readonly metrics: GrpcMetrics;
  readonly logger: Logger;
  /** Calls being answered, for the drain on shutdown. */
  readonly inFlight: InFlight;
}

/**
 * The handlers of `inference.GRPCInferenceService`: the answers of the REST /v2 routes (http/v2-status.ts,
 * views.ts, and http/v2-infer.ts through model-infer.ts) over the same ServeContext. While the server
 * shuts down, ServerReady and ModelReady answer false, ServerLive true, and the others UNAVAILABLE with
 * REST's 503 message, while the calls in flight finish.
 */
export function inferenceService(
  ctx: ServeContext,
  o: InferenceServiceOptions,
): UntypedServiceImplementation {
  /** A unary handler: metrics, in-flight count, the end of the call for admission, errors as statuses. */
  const unary =
    <Req, Res>(
      method: string,
      handle: (req: Req, end: CallEnd) => Res | Promise<Res>,
    ): handleUnaryCall<Req, Res> =>
    (call, callback) => {
      const started = performance.now();
      o.inFlight.enter();
      const closeListeners: (() => void)[] = [];
      const end: CallEnd = { once: (_event, listener) => closeListeners.push(listener) };
      const finish = (code: Status) => {
        for (const listener of closeListeners.splice(0)) listener();
        o.metrics.requests.inc({ method, code: Status[code] });
        o.metrics.latency.observe({ method }, (performance.now() - started) / 1000);
        o.inFlight.leave();
      };
      new Promise<Res>((resolve) => resolve(handle(call.request, end))).then(
        (response) => {
          callback(null, response);
          finish(Status.OK);
        },
        (err: unknown) => {
          const status = grpcError(err);
          if (status.code === Status.INTERNAL) o.logger.error({ err, method }, 'gRPC call failed');
          callback(status);
          finish(status.code);
        },
      );
    };
  const refuseWhileClosing = () => {
    if (ctx.isClosing())
      throw new GanforgeError('shutting_down', 'the server is shutting down', { status: 503 });
  };

  return {
    ServerLive: unary('ServerLive', () => ({ live: true })),
    ServerReady: unary('ServerReady', () => ({ ready: v2ServerReady(ctx) })),
    ModelReady: unary('ModelReady', (req: ModelRequest) => ({
      ready: v2ModelReady(ctx, v2Model(ctx, req.name)),
    })),
    ServerMetadata: unary('ServerMetadata', () => {
      refuseWhileClosing();
      return v2ServerMetadata(o.version);
    }),
    ModelMetadata: unary('ModelMetadata', (req: ModelRequest) => {
      refuseWhileClosing();
      return v2ModelMetadata(v2Model(ctx, req.name));
    }),
    ModelInfer: unary('ModelInfer', (req: ModelInferRequest, end) => {
      refuseWhileClosing();
      return modelInfer(ctx, req, end);
    }),
  };
}
