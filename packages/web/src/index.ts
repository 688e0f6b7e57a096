export {
  mountWeb,
  WEB_ROUTES,
  DEFAULT_DIST_DIR,
  ortDistDir,
  type LoadedModelFiles,
  type MountWebOptions,
} from './mount.ts';
export { PAGE_CSP, PAGE_HEADERS, EMBED_HEADERS, MODEL_FILE_HEADERS, corsHeaders } from './headers.ts';
export { resolveModelFile, MODEL_FILES } from './model-files.ts';
