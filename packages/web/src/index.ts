export { mountWeb, WEB_ROUTES, DEFAULT_DIST_DIR, ortDistDir, type MountWebOptions } from './mount.ts';
export { PAGE_CSP, PAGE_HEADERS, EMBED_HEADERS, MODEL_FILE_HEADERS } from './headers.ts';
export { isValidModelName, resolveModelFile, MODEL_FILES } from './model-files.ts';
