/**
 * The tfjs `webgpu` backend in Node: @tensorflow/tfjs-backend-webgpu's kernels on Dawn (npm
 * `webgpu`). Both packages are optional and found at run time, as tfjs-node is.
 *
 * tfjs-backend-webgpu 4.22 registers its backend only when `navigator.gpu` exists at import, and its
 * kernels use the browser's WebGPU constants (GPUBufferUsage, GPUMapMode, ...) as globals; Node has
 * neither. So Dawn's globals are installed on globalThis (once, the only global this module touches)
 * and the backend is registered here with a factory that asks Dawn for the adapter. The factory also
 * requests only 'timestamp-query' as an optional feature: tfjs 4.22 passes 'bgra8unorm-storage' inside
 * a nested array, which only a browser's WebIDL conversion happens to accept, and that feature is for
 * canvas output, which training never uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { packageVersion } from '../native-backend.ts';
import { DAWN_PACKAGE, describeAdapter, probeAdapter, resolvePackage } from './adapter-probe.ts';

export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

export type WebgpuStart =
  | { readonly ok: true; readonly version: string; readonly adapter: string }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

interface Dawn {
  create(flags: string[]): { requestAdapter(o?: object): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}
interface DawnAdapter {
  features: Set<string>;
  limits: Record<string, number>;
  info: object;
  requestDevice(d: object): Promise<unknown>;
}
interface TfjsWebgpu {
  WebGPUBackend: new (device: unknown, adapterInfo: unknown) => tf.KernelBackend;
}

/** The limits tfjs-backend-webgpu asks the device for: the adapter's own. */
const LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

function registerWebgpuBackend(dawn: Dawn, tfjsWebgpu: TfjsWebgpu): void {
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.assign(globalThis, { [name]: value }); // what is already there wins
  }
  const gpu = dawn.create([]);
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav === undefined) Object.assign(globalThis, { navigator: { gpu } });
  else if (nav.gpu === undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (adapter === null) throw new Error('Dawn found no WebGPU adapter');
      const requiredLimits = Object.fromEntries(LIMITS.map((k) => [k, adapter.limits[k]]));
      const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
      const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
      return new tfjsWebgpu.WebGPUBackend(device, adapter.info);
    },
    3,
  );
}

/**
 * The adapter the backend was registered with: tfjs's backend registry is per process, so this is too
 * (a later prepareWebgpu answers from it instead of probing again).
 */
let registeredAdapter: string | undefined;

/**
 * Makes 'webgpu' a tfjs backend that can be activated with tf.setBackend('webgpu'): both packages
 * installed, and Dawn sees an adapter (probed in a child process first, so that a machine without
 * one never loads Dawn into this process). Does not activate it.
 */
export async function prepareWebgpu(probeTimeoutMs?: number): Promise<WebgpuStart> {
  if (registeredAdapter !== undefined && (tf.findBackendFactory('webgpu') ?? null) !== null) {
    return { ok: true, version: packageVersion(TFJS_WEBGPU_PACKAGE), adapter: registeredAdapter };
  }
  const absent = [DAWN_PACKAGE, TFJS_WEBGPU_PACKAGE].filter((p) => resolvePackage(p) === undefined);
  if (absent.length > 0) return { ok: false, missing: true, reason: `not installed: ${absent.join(', ')}` };
  const probe = await probeAdapter(probeTimeoutMs);
  if (!probe.ok) return probe;
  try {
    const dawn = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as Dawn;
    const tfjsWebgpu = (await import(/* @vite-ignore */ TFJS_WEBGPU_PACKAGE)) as TfjsWebgpu;
    registerWebgpuBackend(dawn, tfjsWebgpu);
    registeredAdapter = describeAdapter(probe.adapter);
  } catch (e) {
    const reason = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
    return { ok: false, missing: false, reason: `loading WebGPU failed: ${reason}` };
  }
  return { ok: true, version: packageVersion(TFJS_WEBGPU_PACKAGE), adapter: registeredAdapter };
}
