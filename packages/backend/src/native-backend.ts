/**
 * The optional native backends (@tensorflow/tfjs-node and -node-gpu). They are not dependencies:
 * their install downloads libtensorflow, which not every machine can. So they are looked up with a
 * dynamic import of a computed specifier (no static import, no types needed) and used when present.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type NativeLoad = { ok: true; version: string } | { ok: false; missing: boolean; reason: string };

function isModuleNotFound(e: unknown, pkg: string): boolean {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(pkg);
}

/** The installed version of `pkg` ('unknown' when its package.json cannot be read). */
export function packageVersion(pkg: string): string {
  try {
    const json = require(`${pkg}/package.json`) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Imports a native tfjs package, which registers the 'tensorflow' backend as a side effect.
 * `missing` tells "not installed" apart from "installed but failed to load" (e.g. no libcudart).
 */
export async function loadNativeBackend(pkg: string): Promise<NativeLoad> {
  try {
    await import(/* @vite-ignore */ pkg);
    return { ok: true, version: packageVersion(pkg) };
  } catch (e) {
    const reason = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
    return { ok: false, missing: isModuleNotFound(e, pkg), reason };
  }
}
