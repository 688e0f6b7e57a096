/**
 * The chaos suite's HTTP side: one request over node:http with per-request timing, keep-alive agents,
 * closed-loop load clients, and counting their results by outcome.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SHIPPED_MODEL } from './processes.ts';
import { sleep } from './stats.ts';

export interface HttpResult {
  /** HTTP status, or undefined when no answer came (network error, reset, client timeout). */
  readonly status: number | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The body, when keepBody was set. */
  readonly body: Buffer | undefined;
  readonly bytes: number;
  readonly startedAt: number;
  readonly ms: number;
  /** The error code (ECONNRESET, ECONNREFUSED, timeout, ...) when there was no answer. */
  readonly error: string | undefined;
}

export interface HttpOptions {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly agent?: Agent;
  readonly keepBody?: boolean;
  /** Client-side limit; past it the request counts as unanswered (default 60 s). */
  readonly timeoutMs?: number;
}

/** One HTTP request over node:http (loopback), timed from the first byte sent to the last received. */
export function http(o: HttpOptions): Promise<HttpResult> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<HttpResult, 'startedAt' | 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, startedAt, ms: performance.now() - startedAt });
    };
    const fail = (error: string) =>
      finish({ status: undefined, headers: {}, body: undefined, bytes: 0, error });
    const body = o.body === undefined ? undefined : Buffer.from(o.body);
    const req = httpRequest(o.url, {
      method: o.method ?? 'GET',
      agent: o.agent ?? false,
      headers: {
        ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
        ...o.headers,
      },
    });
    const timer = setTimeout(() => {
      fail('client-timeout');
      req.destroy();
    }, o.timeoutMs ?? 60_000);
    req.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (o.keepBody) chunks.push(c);
      });
      res.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
      res.on('aborted', () => fail('aborted'));
      res.on('end', () =>
        finish({
          status: res.statusCode,
          headers: res.headers,
          body: o.keepBody ? Buffer.concat(chunks) : undefined,
          bytes,
          error: undefined,
        }),
      );
    });
    req.end(body);
  });
}

/** A keep-alive agent for `sockets` concurrent connections. */
export function keepAliveAgent(sockets = Infinity): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: 1024 });
}

/** POST /v1/models/<model>/samples with {n, seed, format}. */
export function samplesRequest(url: string, n: number, seed: number, format: 'npy' | 'json'): HttpOptions {
  return {
    url: `${url}/v1/models/${SHIPPED_MODEL}/samples`,
    method: 'POST',
    body: JSON.stringify({ n, seed, format }),
  };
}

/**
 * `connections` closed-loop clients, each sending `request(i)` back to back until `stop()` returns true
 * (or the signal aborts). `pauseAfterErrorMs` spaces out retries after a request with no answer.
 */
export async function closedLoop(options: {
  readonly connections: number;
  readonly request: (client: number, i: number) => HttpOptions;
  readonly stop: () => boolean;
  readonly signal: AbortSignal;
  readonly pauseAfterErrorMs?: number;
  /** Pause after a 429 (default 0: send the next request at once). */
  readonly pauseAfter429Ms?: number;
  readonly onResult?: (r: HttpResult, client: number) => void;
}): Promise<HttpResult[]> {
  const agent = keepAliveAgent(options.connections);
  const results: HttpResult[] = [];
  const client = async (c: number) => {
    for (let i = 0; !options.stop() && !options.signal.aborted; i++) {
      const r = await http({ ...options.request(c, i), agent });
      results.push(r);
      options.onResult?.(r, c);
      if (r.status === undefined) await sleep(options.pauseAfterErrorMs ?? 20);
      else if (r.status === 429 && options.pauseAfter429Ms) await sleep(options.pauseAfter429Ms);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, (_, c) => client(c)));
  } finally {
    agent.destroy();
  }
  return results;
}

/** Counts of results by outcome: 2xx, each non-2xx status, and unanswered (by error code). */
export function tally(results: readonly HttpResult[]): {
  ok: number;
  byStatus: Map<number, number>;
  noAnswer: number;
  errors: Map<string, number>;
} {
  const byStatus = new Map<number, number>();
  const errors = new Map<string, number>();
  let ok = 0;
  let noAnswer = 0;
  for (const r of results) {
    if (r.status === undefined) {
      noAnswer++;
      errors.set(r.error ?? '?', (errors.get(r.error ?? '?') ?? 0) + 1);
    } else if (r.status >= 200 && r.status < 300) ok++;
    else byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  }
  return { ok, byStatus, noAnswer, errors };
}

/** "429: 12, 503: 1" from a count map ("none" when empty). */
export function formatCounts<K>(m: ReadonlyMap<K, number>): string {
  return m.size === 0
    ? 'none'
    : [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${String(k)}: ${v}`)
        .join(', ');
}
