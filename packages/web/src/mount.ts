import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application, Request, Response } from 'express';
import { GanforgeError, isGanforgeError } from '@ganforge/core';
import { CONTENT_TYPES, EMBED_HEADERS, MODEL_FILE_HEADERS, PAGE_HEADERS, type HeaderSet } from './headers.ts';
import { resolveModelFile, type ModelFileName } from './model-files.ts';

export interface MountWebOptions {
  /** Directory of `<name>/model.onnx + card.json`; when set, the raw model files are served (see below). */
  modelsDir?: string;
  /** The built bundle (default: packages/web/dist, written by `node packages/web/build.mjs`). */
  distDir?: string;
}

/** The URLs mountWeb serves, for the server's docs and logs. */
export const WEB_ROUTES = {
  page: '/',
  pageScript: '/app.js',
  pageStyle: '/app.css',
  embed: '/embed/gan-sampler.js',
  ort: '/ort/:file',
  modelBytes: '/v1/models/:name/model.onnx',
  modelCard: '/v1/models/:name/card.json',
} as const;

/** packages/web/dist, where build.mjs writes the page and the component bundle. */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

/** onnxruntime-web's dist folder (its `require` entry lives there). */
export function ortDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
}

/** The onnxruntime-web runtime files the browser loads at run time: the wasm binaries and their loaders. */
const ORT_RUNTIME_FILE = /^ort-wasm-simd-threaded(\.[a-z]+)?\.(wasm|mjs)$/;

/**
 * Mounts the browser sampler on an Express app:
 * - `GET /` the sampler page, `/app.js` + `/app.css` its script and style (cross-origin isolated, strict CSP);
 * - `GET /embed/gan-sampler.js` the `<gan-sampler>` component bundle (CORS + CORP cross-origin);
 * - `GET /ort/<file>` onnxruntime-web's `.wasm` (application/wasm) and `.mjs` files;
 * - with `modelsDir`: `GET /v1/models/:name/model.onnx` and `/v1/models/:name/card.json`, the raw files
 *   the component fetches (name checked strictly; CORS so other origins can embed).
 * Call it before any catch-all 404 handler. Expects `/v1/models` (the list) from the server itself.
 */
export function mountWeb(app: Application, options: MountWebOptions = {}): void {
  const dist = options.distDir ?? DEFAULT_DIST_DIR;
  const ortDir = ortDistDir();
  const ortFiles = new Set(readdirSync(ortDir).filter((f) => ORT_RUNTIME_FILE.test(f)));

  const bundleFile = (file: string, headers: HeaderSet) => async (_req: Request, res: Response) => {
    const path = join(dist, file);
    if (!existsSync(path)) {
      sendError(
        res,
        new GanforgeError('web_not_built', `the browser bundle is not built (${path} is missing)`, {
          hint: 'build it with: node packages/web/build.mjs',
          status: 503,
        }),
      );
      return;
    }
    await sendFile(res, path, headers);
  };

  app.get('/', bundleFile('index.html', PAGE_HEADERS));
  app.get('/app.js', bundleFile('app.js', PAGE_HEADERS));
  app.get('/app.css', bundleFile('app.css', PAGE_HEADERS));
  app.get('/embed/gan-sampler.js', bundleFile('embed/gan-sampler.js', EMBED_HEADERS));

  app.get('/ort/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file);
    if (!ortFiles.has(file)) {
      sendError(
        res,
        new GanforgeError('not_found', `no onnxruntime-web file ${JSON.stringify(file)}`, { status: 404 }),
      );
      return;
    }
    await sendFile(res, join(ortDir, file), EMBED_HEADERS);
  });

  const modelsDir = options.modelsDir;
  if (modelsDir !== undefined) {
    const modelFile = (file: ModelFileName) => async (req: Request, res: Response) => {
      try {
        const path = await resolveModelFile(modelsDir, String(req.params.name), file);
        await sendFile(res, path, MODEL_FILE_HEADERS);
      } catch (e) {
        sendError(res, e, MODEL_FILE_HEADERS);
      }
    };
    app.get('/v1/models/:name/model.onnx', modelFile('model.onnx'));
    app.get('/v1/models/:name/card.json', modelFile('card.json'));
  }
}

/**
 * Streams a file with its content type and a validator: a browser revalidating (If-None-Match) gets a
 * 304 instead of the 28 MB wasm again.
 */
async function sendFile(res: Response, path: string, headers: HeaderSet): Promise<void> {
  const info = await stat(path);
  const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  res.set({
    ...headers,
    'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'Last-Modified': info.mtime.toUTCString(),
    ETag: etag,
  });
  const ifNoneMatch = res.req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).set('Content-Length', String(info.size));
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(path);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

function sendError(res: Response, e: unknown, headers: HeaderSet = {}): void {
  const err = isGanforgeError(e)
    ? e
    : new GanforgeError('internal', e instanceof Error ? e.message : String(e), { status: 500 });
  res
    .status(err.status)
    .set(headers)
    .json({ error: { code: err.code, message: err.message, hint: err.hint } });
}
