/**
 * Is there a WebGPU adapter? Asked of Dawn (the npm package `webgpu`, Dawn's Node binding, whose
 * prebuilt dawn.node sits in its tarball: nothing is downloaded) in a child process, because Dawn
 * writes its own diagnostics straight to the process's stderr ("Couldn't load Vulkan: ..."), and a
 * driver that crashes takes only the child down. The child's answer is one JSON line; its stderr
 * gives the reason when there is no adapter.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dawnDiagnostic } from '@ganforge/core';

export const DAWN_PACKAGE = 'webgpu';

/** What Dawn reports about the adapter it would use (GPUAdapterInfo). */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

export type AdapterProbe =
  | { readonly ok: true; readonly adapter: AdapterInfo }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

/** Where `pkg`'s entry file is, or undefined when it is not installed. */
export function resolvePackage(pkg: string): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(pkg);
  } catch {
    return undefined;
  }
}

const CHILD = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter?.info;
process.stdout.write(JSON.stringify(info === undefined ? null : {
  vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
}) + '\\n');
process.exit(0);
`;

/** Asks Dawn for a high-performance adapter, in a child process, within `timeoutMs`. */
export function probeAdapter(timeoutMs = 30_000, pkg = DAWN_PACKAGE): Promise<AdapterProbe> {
  const entry = resolvePackage(pkg);
  if (entry === undefined) {
    return Promise.resolve({ ok: false, missing: true, reason: `${pkg} (Dawn for Node) is not installed` });
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD, pathToFileURL(entry).href],
      { timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const why = dawnDiagnostic(stderr);
        if (error !== null) {
          const how = error.killed ? `timed out after ${timeoutMs} ms` : `exited with ${String(error.code)}`;
          resolve({
            ok: false,
            missing: false,
            reason: `Dawn's adapter probe ${how}${why === undefined ? '' : `: ${why}`}`,
          });
          return;
        }
        const info = JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as AdapterInfo | null;
        if (info === null) {
          resolve({
            ok: false,
            missing: false,
            reason: `Dawn found no WebGPU adapter${why === undefined ? '' : ` (${why})`}`,
          });
          return;
        }
        resolve({ ok: true, adapter: info });
      },
    );
  });
}

/** One line naming an adapter: "NVIDIA H200 (nvidia, hopper)". */
export function describeAdapter(a: AdapterInfo): string {
  const name = a.description || a.device || 'unknown device';
  const detail = [a.vendor, a.architecture].filter((s) => s !== '').join(', ');
  return detail === '' ? name : `${name} (${detail})`;
}
