import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { GanforgeError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.ts';
import type { BackendName } from './types.ts';
import { useBackendInSuite } from './testing/on-backend.ts';
import { probeAdapter } from './webgpu/adapter-probe.ts';

const require = createRequire(import.meta.url);
const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const hasTfjsNode = installed('@tensorflow/tfjs-node');
const hasTfjsNodeGpu = installed('@tensorflow/tfjs-node-gpu');
const hasWebgpuAdapter = (await probeAdapter()).ok;

async function rejection(p: Promise<unknown>): Promise<GanforgeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GanforgeError);
  return e as GanforgeError;
}

describe('selectBackend', () => {
  useBackendInSuite();

  it('wasm: starts it with SIMD, its training kernels and a thread count', async () => {
    const info = await selectBackend('wasm');
    expect(info).toMatchObject({ name: 'wasm', tfjsName: 'wasm', version: '4.22.0', simd: true });
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    // Asking again switches back without restarting.
    await tf.setBackend('cpu');
    expect(await selectBackend('wasm')).toEqual(info);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('cpu: the single-threaded reference backend', async () => {
    expect(await selectBackend('cpu')).toEqual({
      name: 'cpu',
      tfjsName: 'cpu',
      version: '4.22.0',
      threads: 1,
    });
    expect(tf.getBackend()).toBe('cpu');
  });

  it.skipIf(hasTfjsNode)(
    'tensorflow, not installed: a GanforgeError that says how to install it',
    async () => {
      const before = tf.getBackend();
      const e = await rejection(selectBackend('tensorflow'));
      expect(e.code).toBe('backend_unavailable');
      expect(e.message).toBe("backend 'tensorflow' (@tensorflow/tfjs-node) is not installed");
      expect(e.hint).toContain('pnpm --filter @ganforge/backend add @tensorflow/tfjs-node@4.22.0');
      expect(e.hint).toContain('libtensorflow 2.9.1');
      expect(tf.getBackend()).toBe(before); // the active backend is left alone
    },
  );

  it.skipIf(hasTfjsNodeGpu)(
    'tensorflow-gpu, not installed: the hint names the package, CUDA and cuDNN',
    async () => {
      const e = await rejection(selectBackend('tensorflow-gpu'));
      expect(e.code).toBe('backend_unavailable');
      expect(e.message).toContain('@tensorflow/tfjs-node-gpu');
      expect(e.hint).toContain('pnpm --filter @ganforge/backend add @tensorflow/tfjs-node-gpu@4.22.0');
      expect(e.hint).toContain('CUDA 11.2');
      expect(e.hint).toContain('cuDNN 8.1');
    },
  );

  it.skipIf(hasTfjsNode || hasTfjsNodeGpu || hasWebgpuAdapter)(
    'auto: without the native backends or a GPU adapter, wasm',
    async () => {
      await tf.setBackend('cpu');
      expect((await selectBackend('auto')).name).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it('an unknown name is a bad_backend error listing the choices', async () => {
    const e = await rejection(selectBackend('gpu' as BackendName));
    expect(e.code).toBe('bad_backend');
    expect(e.hint).toBe('use one of: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu');
  });
});
