import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type GanforgeServer, type ServeOptions } from '../http/app.ts';
import { sendRequest } from './exchange.ts';

export interface TestServer {
  readonly server: GanforgeServer;
  readonly url: string;
  readonly port: number;
  readonly modelsDir: string;
  close(): Promise<void>;
}

/**
 * Server options under which requests sent together share a session.run: one worker, and a batch window
 * wide enough that eight requests sent at once all arrive within it on a loaded machine.
 */
export const BATCHING_OPTIONS = { workers: 1, maxBatch: 64, maxDelayMs: 400 } as const;

/** A temp models folder, filled by `setup`, served on 127.0.0.1 at a free port once every model is loaded. */
export async function startTestServer(
  setup: (modelsDir: string) => Promise<void>,
  options: Partial<ServeOptions> = {},
): Promise<TestServer> {
  const root = await mkdtemp(join(tmpdir(), 'ganforge-serve-'));
  const modelsDir = join(root, 'models');
  await mkdir(modelsDir);
  await setup(modelsDir);
  const server = createServer({ modelsDir, logLevel: 'silent', watch: false, ...options });
  const { url, port } = await server.listen(0, '127.0.0.1');
  await server.loaded;
  return {
    server,
    url,
    port,
    modelsDir,
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** An HTTP request with the path sent exactly as written (exchange.ts's sendRequest), its body parseable as JSON. */
export async function rawRequest(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer | object,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const answer = await sendRequest(port, method, path, body, headers);
  return {
    status: answer.status,
    headers: answer.headers,
    body: answer.body,
    json: () => JSON.parse(answer.body.toString('utf8')),
  };
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Value of one Prometheus series in a /metrics text, or undefined. */
export function metricValue(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
