/**
 * The webgpu training backend: found at run time, optional, and on a machine without a GPU adapter
 * (this one, CI) passed over with a one-line reason. Nothing here needs a GPU; where one is present
 * the same tests check the other branch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanforgeError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../select-backend.ts';
import { useBackendInSuite } from '../testing/on-backend.ts';
import type { BackendName } from '../types.ts';
import { describeAdapter, probeAdapter } from './adapter-probe.ts';

const probe = await probeAdapter();

describe('WebGPU adapter probe (Dawn, in a child process)', () => {
  it('answers with an adapter or a one-line reason, never an exception', () => {
    if (probe.ok) {
      expect(describeAdapter(probe.adapter)).not.toBe('');
    } else {
      expect(probe.missing).toBe(false); // webgpu is a devDependency of this workspace
      expect(probe.reason).toMatch(/^Dawn found no WebGPU adapter/);
      expect(probe.reason).not.toContain('\n');
    }
  });

  it('a package that is not installed is reported as missing', async () => {
    expect(await probeAdapter(5_000, 'ganforge-no-such-dawn')).toEqual({
      ok: false,
      missing: true,
      reason: 'ganforge-no-such-dawn (Dawn for Node) is not installed',
    });
  });

  it('names an adapter in one line', () => {
    expect(
      describeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' }),
    ).toBe('NVIDIA H200 (nvidia, hopper)');
    expect(describeAdapter({ vendor: '', architecture: '', device: '0x2335', description: '' })).toBe(
      '0x2335',
    );
  });
});

describe('selectBackend with webgpu', () => {
  useBackendInSuite();

  it.skipIf(probe.ok)(
    'webgpu asked for without an adapter: backend_unavailable naming the cause and the fix',
    async () => {
      const before = tf.getBackend();
      const e = await selectBackend('webgpu').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(GanforgeError);
      const err = e as GanforgeError;
      expect(err.code).toBe('backend_unavailable');
      expect(err.message).toMatch(
        /^backend 'webgpu' \(.*\) could not be started: Dawn found no WebGPU adapter/,
      );
      expect(err.hint).toMatch(/Vulkan/);
      expect(tf.getBackend()).toBe(before);
    },
  );

  it.skipIf(probe.ok)(
    'auto passes over webgpu with its reason, then takes the next backend that works',
    async () => {
      const skipped: [BackendName, string][] = [];
      const info = await selectBackend('auto', { onSkip: (name, reason) => skipped.push([name, reason]) });
      const names = skipped.map(([n]) => n);
      expect(names).toContain('webgpu');
      expect(names.indexOf('webgpu')).toBe(names.indexOf('tensorflow-gpu') + 1); // tried right after tfjs-node-gpu
      expect(skipped.find(([n]) => n === 'webgpu')?.[1]).toMatch(/^Dawn found no WebGPU adapter/);
      for (const [, reason] of skipped) expect(reason).not.toContain('\n');
      expect(names).not.toContain(info.name);
      expect(tf.getBackend()).toBe(info.tfjsName);
    },
  );

  it.runIf(probe.ok)('with an adapter: webgpu is chosen and names it', async () => {
    const info = await selectBackend('webgpu');
    expect(info).toMatchObject({ name: 'webgpu', tfjsName: 'webgpu' });
    expect(info.adapter).toBeTruthy();
    expect(Array.from(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync())).toEqual([4, 6]);
  });
});
