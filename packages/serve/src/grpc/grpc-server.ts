import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { GanforgeError } from '@ganforge/core';
import type { ServeContext } from '../http/context.ts';
import { InFlight } from '../http/in-flight.ts';
import { listenError } from '../http/listen-error.ts';
import type { ServeMetrics } from '../http/metrics.ts';
import { GrpcMetrics } from './grpc-metrics.ts';
import { inferenceService } from './inference-service.ts';
import { openInferenceService } from './proto.ts';

export interface GrpcListenOptions {
  /** 0 = any free port. */
  readonly port: number;
  readonly host: string;
  readonly version: string;
  readonly logger: Logger;
  readonly metrics: ServeMetrics;
  /** Largest request message in bytes (RESOURCE_EXHAUSTED past it): the server's --max-body-bytes. */
  readonly maxMessageBytes: number;
}

export interface GrpcListener {
  readonly port: number;
  readonly host: string;
  /** host:port, as a gRPC client's target. */
  readonly address: string;
  /**
   * Drains: calls keep being answered (readiness false, new inferences UNAVAILABLE) until the ones in
   * flight have finished, then the server shuts down (tryShutdown); past `drainTimeoutMs` it is cut
   * (forceShutdown). The caller sets the server's closing flag first.
   */
  close(drainTimeoutMs: number): Promise<void>;
}

/** A bind failure as listen-error.ts's one-line error, naming the gRPC flags. */
function bindError(err: Error, port: number, host: string): Error {
  const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL|ENOTFOUND)\b/.exec(err.message)?.[1];
  const e = code ? listenError(Object.assign(err, { code }), port, host) : err;
  if (!(e instanceof GanforgeError)) return e;
  return new GanforgeError(e.code, `gRPC: ${e.message}`, {
    ...(e.hint ? { hint: e.hint.replace('--port', '--grpc-port').replace('--host', '--grpc-host') } : {}),
  });
}

/** Serves the Open Inference Protocol's gRPC service (inference.GRPCInferenceService) over `ctx`. */
export async function listenGrpc(ctx: ServeContext, o: GrpcListenOptions): Promise<GrpcListener> {
  const inFlight = new InFlight();
  const server = new Server({
    'grpc.max_receive_message_length': o.maxMessageBytes,
    'grpc.max_send_message_length': -1,
  });
  server.addService(
    openInferenceService().service,
    inferenceService(ctx, {
      version: o.version,
      metrics: new GrpcMetrics(o.metrics),
      logger: o.logger,
      inFlight,
    }),
  );
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${shownHost}:${o.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(bindError(err, o.port, o.host)) : resolve(bound),
    ),
  ).catch((e: unknown) => {
    server.forceShutdown();
    throw e;
  });
  const address = `${shownHost}:${port}`;
  o.logger.info({ port, host: o.host }, `gRPC (Open Inference Protocol) listening on ${address}`);

  let closed: Promise<void> | undefined;
  const drain = async (drainTimeoutMs: number) => {
    let cut: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (cut = setTimeout(resolve, drainTimeoutMs)));
    await Promise.race([inFlight.idle(), timedOut]);
    // GOAWAY to every connection; resolves once they have closed.
    await Promise.race([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), timedOut]);
    clearTimeout(cut);
    server.forceShutdown();
  };
  return {
    port,
    host: o.host,
    address,
    close(drainTimeoutMs) {
      closed ??= drain(drainTimeoutMs);
      return closed;
    },
  };
}
