/**
 * The HTTP headers of everything the web package serves. Pure data, one place, so the policy can be
 * read (and tested) at a glance.
 *
 * - The sampler page and its own scripts are cross-origin isolated (COOP same-origin + COEP
 *   require-corp): that is what lets onnxruntime-web start wasm threads (SharedArrayBuffer).
 * - The CSP allows scripts from our own origin plus 'wasm-unsafe-eval' (compiling the .wasm), and
 *   nothing else: no inline script, no eval, no CDN.
 * - Assets other origins embed (the component bundle, onnxruntime-web's files, model bytes) carry
 *   `Cross-Origin-Resource-Policy: cross-origin` and CORS (`corsHeaders`, from the server's allowed
 *   origins), so a page on another origin can load them with one script tag, whether or not that page
 *   is itself cross-origin isolated.
 */
export type HeaderSet = Readonly<Record<string, string>>;

/** Content-Security-Policy of the sampler page: only what the page needs. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page (`/`) and its own script and stylesheet. */
export const PAGE_HEADERS: HeaderSet = {
  'Content-Security-Policy': PAGE_CSP,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/**
 * Embeddable assets: `/embed/gan-sampler.js`, `/ort/*`. COEP is set as well because onnxruntime-web
 * starts its wasm threads as module workers from `/ort/*.mjs`, and a worker is only cross-origin
 * isolated when its own script response says so.
 */
export const EMBED_HEADERS: HeaderSet = {
  // A worker runs under its own script's CSP (onnxruntime-web's threads start from /ort/*.mjs): set it
  // here, allowing wasm, rather than inherit whatever policy other middleware (helmet) put on responses.
  'Content-Security-Policy': "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'",
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/** Raw model files (`/v1/models/:name/model.onnx`, `card.json`), fetched by the component from any origin. */
export const MODEL_FILE_HEADERS: HeaderSet = {
  'Content-Security-Policy': "default-src 'none'",
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/**
 * The CORS headers of one embeddable response: `*` when any origin is allowed, the request's origin
 * when it is in the list (with `Vary: Origin`, so caches keep answers per origin), none otherwise
 * (also when `origins` is empty: CORS off).
 */
export function corsHeaders(origins: readonly string[], requestOrigin: string | undefined): HeaderSet {
  if (origins.length === 0) return {};
  if (origins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  if (requestOrigin !== undefined && origins.includes(requestOrigin))
    return { 'Access-Control-Allow-Origin': requestOrigin, Vary: 'Origin' };
  return { Vary: 'Origin' };
}

/** Content types by file extension for what we serve. `.wasm` must be application/wasm for streaming compile. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};
