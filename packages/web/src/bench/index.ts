/**
 * @ganforge/web/bench: the in-browser inference benchmark (scripts/bench-web.ts). Kept out of the main
 * entry point because it needs dev-only dependencies (onnxruntime-node, express, a browser).
 */
export * from './browser-bench.ts';
