import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Paths of monitoring requests: health probes, metrics scrapes and the API description. A
 * connection that has carried only these is a monitor's, not a client's.
 */
const MONITORING = /^\/(?:metrics|healthz|readyz|openapi\.json|v2\/health\/(?:live|ready))\/?(?:\?|$)/;

/**
 * The open HTTP connections of clients: kept-alive ones included, monitors' not. A connection counts
 * from its first request that is not a monitoring one until it closes. A Prometheus scraper or a
 * load balancer's probe holds a kept-alive connection of its own; counting it would make a lone
 * client look like two, and turn off what only a lone client may have (the inline runs of
 * engine/inline-sessions.ts).
 */
export class ClientConnections {
  private open = 0;
  private readonly seen = new WeakSet<Socket>();

  /** Call for every request before it is handled. */
  readonly request = (req: IncomingMessage): void => {
    const socket = req.socket;
    if (this.seen.has(socket) || MONITORING.test(req.url ?? '/')) return;
    this.seen.add(socket);
    this.open++;
    socket.once('close', () => this.open--);
  };

  get size(): number {
    return this.open;
  }
}
