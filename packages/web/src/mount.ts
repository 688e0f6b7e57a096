import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application, Request, Response } from 'express';
import { GanforgeError, isGanforgeError } from '@ganforge/core';
import {
  CONTENT_TYPES,
  corsHeaders,
  EMBED_HEADERS,
  MODEL_FILE_HEADERS,
  PAGE_HEADERS,
  type HeaderSet,
} from './headers.ts';
import { checkModelName, modelFileNotFound, resolveModelFile, type ModelFileName } from './model-files.ts';

/** A model's files as the server loaded them (the server's registry provides these). */
export interface LoadedModelFiles {
  readonly modelOnnx: Uint8Array;
  readonly cardJson: Uint8Array;
  /** Strong ETag (quoted) of this version. */
  readonly etag: string;
  readonly loadedAt: Date;
}

export interface MountWebOptions {
  /**
   * The raw model files come from here when set: the bytes of the version the server is serving
   * (undefined for an unknown model), so a file being replaced or a broken one on disk never reaches
   * a browser. `ganforge serve` passes its registry's.
   */
  modelFiles?: (name: string) => LoadedModelFiles | undefined;
  /** Without modelFiles: a directory of `<name>/model.onnx + card.json` whose files are served as they are on disk. */
  modelsDir?: string;
  /** The built bundle (default: packages/web/dist, written by `node packages/web/build.mjs`). */
  distDir?: string;
  /**
   * Origins allowed to load the embeddable assets and model files (default ['*']: any page may embed
   * the sampler; [] sends no CORS headers). `ganforge serve --cors-origin` sets it.
   */
  corsOrigins?: readonly string[];
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
  const origins = options.corsOrigins ?? ['*'];
  /** The headers of an embeddable response, with CORS for this request's origin. */
  const embeddable = (req: Request, headers: HeaderSet): HeaderSet => ({
    ...headers,
    ...corsHeaders(origins, req.headers.origin),
  });

  const bundleFile =
    (file: string, fixed: HeaderSet, cors: boolean) => async (req: Request, res: Response) => {
      const headers = cors ? embeddable(req, fixed) : fixed;
      const path = join(dist, file);
      if (!existsSync(path)) {
        sendError(
          res,
          new GanforgeError(
            'web_not_built',
            `the browser bundle is not built (${file} is missing from the web package's dist folder)`,
            {
              hint: 'build it with: node packages/web/build.mjs',
              status: 503,
            },
          ),
        );
        return;
      }
      await sendFile(res, path, headers);
    };

  app.get('/', bundleFile('index.html', PAGE_HEADERS, false));
  app.get('/app.js', bundleFile('app.js', PAGE_HEADERS, false));
  app.get('/app.css', bundleFile('app.css', PAGE_HEADERS, false));
  app.get('/embed/gan-sampler.js', bundleFile('embed/gan-sampler.js', EMBED_HEADERS, true));

  app.get('/ort/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file);
    if (!ortFiles.has(file)) {
      sendError(
        res,
        new GanforgeError('not_found', `no onnxruntime-web file ${JSON.stringify(file)}`, { status: 404 }),
      );
      return;
    }
    await sendFile(res, join(ortDir, file), embeddable(req, EMBED_HEADERS));
  });

  const { modelFiles, modelsDir } = options;
  if (modelFiles !== undefined) {
    const modelFile = (file: ModelFileName) => (req: Request, res: Response) => {
      const headers = embeddable(req, MODEL_FILE_HEADERS);
      try {
        const name = String(req.params.name);
        checkModelName(name);
        const files = modelFiles(name);
        if (!files) throw modelFileNotFound(name, file);
        sendBytes(res, file === 'model.onnx' ? files.modelOnnx : files.cardJson, files, file, headers);
      } catch (e) {
        sendError(res, e, headers);
      }
    };
    app.get('/v1/models/:name/model.onnx', modelFile('model.onnx'));
    app.get('/v1/models/:name/card.json', modelFile('card.json'));
  } else if (modelsDir !== undefined) {
    const modelFile = (file: ModelFileName) => async (req: Request, res: Response) => {
      const headers = embeddable(req, MODEL_FILE_HEADERS);
      try {
        const path = await resolveModelFile(modelsDir, String(req.params.name), file);
        await sendFile(res, path, headers);
      } catch (e) {
        sendError(res, e, headers);
      }
    };
    app.get('/v1/models/:name/model.onnx', modelFile('model.onnx'));
    app.get('/v1/models/:name/card.json', modelFile('card.json'));
  }
}

/**
 * Sets a file's headers and answers what a validator decides: 304 when the browser's If-None-Match
 * holds `etag` (the 28 MB wasm is not sent again), the headers alone for HEAD. True when the caller
 * still has to send the body.
 */
function sendValidated(
  res: Response,
  headers: HeaderSet,
  file: { name: string; etag: string; modified: Date; size: number },
): boolean {
  res.set({
    ...headers,
    'Content-Type': CONTENT_TYPES[extname(file.name)] ?? 'application/octet-stream',
    'Last-Modified': file.modified.toUTCString(),
    ETag: file.etag,
  });
  const ifNoneMatch = res.req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(file.etag)) {
    res.status(304).end();
    return false;
  }
  res.status(200).set('Content-Length', String(file.size));
  if (res.req.method === 'HEAD') {
    res.end();
    return false;
  }
  return true;
}

/** One loaded model file from memory, with the version's strong ETag. */
function sendBytes(
  res: Response,
  bytes: Uint8Array,
  files: LoadedModelFiles,
  file: ModelFileName,
  headers: HeaderSet,
): void {
  const etag = `"${file === 'model.onnx' ? 'm' : 'c'}${files.etag.slice(1)}`;
  if (sendValidated(res, headers, { name: file, etag, modified: files.loadedAt, size: bytes.byteLength }))
    res.end(bytes);
}

/** Streams a file from disk, with a validator from its size and mtime. */
async function sendFile(res: Response, path: string, headers: HeaderSet): Promise<void> {
  const info = await stat(path);
  const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  if (!sendValidated(res, headers, { name: path, etag, modified: info.mtime, size: info.size })) return;
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
