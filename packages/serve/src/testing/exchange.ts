import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { GanforgeServer } from '../http/app.ts';

/** One answer as it came over the wire: status, headers in order with their case (Date left out), bytes. */
export interface Exchange {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** One answer as node:http gave it: status, raw header list, parsed headers, bytes. */
export interface WireAnswer {
  readonly status: number;
  readonly rawHeaders: readonly string[];
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Sends one request on loopback with the path exactly as written (fetch would normalize '..' and '%2e%2e'
 * away) and a body as given (objects stringified as JSON); the one request sender of the serve tests.
 */
export function sendRequest(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer | object,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<WireAnswer> {
  const payload =
    body === undefined
      ? undefined
      : typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body);
  const hdrs: Record<string, string | number> = { ...headers };
  if (payload !== undefined) {
    hdrs['content-type'] ??= 'application/json';
    hdrs['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: hdrs, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          rawHeaders: res.rawHeaders,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sends one request (as sendRequest) and returns the answer with its raw headers, so two answers can be
 * compared header by header.
 */
export async function exchange(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer | object,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<Exchange> {
  const answer = await sendRequest(port, method, path, body, headers, agent);
  const raw = answer.rawHeaders;
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'date') pairs.push([raw[i]!, raw[i + 1]!]);
  }
  return { status: answer.status, headers: pairs, body: answer.body };
}

/** The value of header `name` in an exchange (case-insensitive), or undefined. */
export function headerOf(x: Exchange, name: string): string | undefined {
  return x.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/**
 * Sends a POST on a raw connection that never reads its answer: an answer larger than the socket
 * buffers can then never finish, so the request stays in progress (admitted, in flight) until the
 * returned socket is destroyed.
 */
export function stalledRequest(port: number, path: string, body: object): Socket {
  const payload = JSON.stringify(body);
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
  );
  socket.pause();
  return socket;
}

/** Counts the requests that reach the server's Express app (the rest were answered by the fast path). */
export function countExpressRequests(server: GanforgeServer): () => number {
  let count = 0;
  const app = server.app as unknown as { handle: (...args: unknown[]) => unknown };
  const handle = app.handle.bind(app);
  app.handle = (...args: unknown[]) => {
    count++;
    return handle(...args);
  };
  return () => count;
}
