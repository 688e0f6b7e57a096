/**
 * Loopback servers for the browser tests and the browser benchmark: the sampler server (mountWeb in
 * front of the API app, the way `ganforge serve` mounts it) and a second, unrelated origin that embeds
 * the component with one script tag.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Handler } from 'express';
import { mountWeb, type MountWebOptions } from '../mount.ts';

export interface RunningServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

async function listen(listener: RequestListener): Promise<RunningServer> {
  const server: Server = createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The sampler server: `before` middleware (e.g. the server's helmet), then mountWeb's routes, then
 * `api` (e.g. packages/serve's createServer().app, which answers /v1/models and samples.png).
 */
export function startSamplerServer(
  options: MountWebOptions & { api?: Handler; before?: readonly Handler[] },
): Promise<RunningServer> {
  const app = express();
  app.set('x-powered-by', false);
  for (const h of options.before ?? []) app.use(h);
  mountWeb(app, options);
  if (options.api) app.use(options.api);
  return listen(app);
}

/**
 * Another origin serving the given HTML pages. By default an ordinary page (no COOP/COEP); with
 * `isolated` the pages are cross-origin isolated themselves, so the embedded component gets wasm threads.
 */
export function startEmbeddingSite(
  pages: Readonly<Record<string, string>>,
  options: { isolated?: boolean } = {},
): Promise<RunningServer> {
  const isolation = options.isolated
    ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
    : {};
  return listen((req, res) => {
    const html = pages[new URL(req.url ?? '/', 'http://x').pathname];
    if (html === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        ...isolation,
      })
      .end(html);
  });
}

/** An embedding page: one script tag from the sampler server, and the given <gan-sampler> markup. */
export function embeddingPage(samplerServer: string, body: string): string {
  const src = new URL('embed/gan-sampler.js', samplerServer).href;
  return `<!doctype html><html><head><meta charset="utf-8"><title>embedding test</title>
<script type="module" src="${src}"></script></head><body>${body}</body></html>`;
}
