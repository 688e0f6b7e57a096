import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/harness.ts';
import { buildTinyGenerator, writeTinyModel } from '../testing/tiny-generator.ts';
import { ortReason } from './ort-reason.mjs';
import { probeWebgpuProvider } from './webgpu-probe.ts';
import { WorkerPool } from './worker-pool.ts';

describe('execution provider choice', () => {
  it('auto falls back to CPU when the CUDA provider cannot be created, and says which it got', async () => {
    const t = await startTestServer((dir) => writeTinyModel(dir, 'm').then(() => {}), { device: 'auto' });
    try {
      const [m] = t.server.registry.list();
      expect(m?.status).toBe('ready');
      expect(['cuda', 'cpu']).toContain(m?.provider);
      const metrics = t.server.metrics.registry.getSingleMetric('ganforge_model_info');
      expect(JSON.stringify(await metrics?.get())).toContain(`"provider":"${m?.provider}"`);
    } finally {
      await t.close();
    }
  });

  it('cuda asked explicitly: the model loads on CUDA, or fails naming CUDA (no silent CPU)', async () => {
    const t = await startTestServer((dir) => writeTinyModel(dir, 'm').then(() => {}), { device: 'cuda' });
    try {
      const [m] = t.server.registry.list();
      if (m?.status === 'ready') expect(m.provider).toBe('cuda');
      else {
        expect(m?.status).toBe('failed');
        expect(m?.error?.message).toMatch(/cuda/i);
      }
    } finally {
      await t.close();
    }
  });
});

/** Asked once for the file (a child process): undefined where WebGPU works here, else why not. */
const webgpuReason = await probeWebgpuProvider();

describe('WebGPU (onnxruntime-node built-in Dawn)', () => {
  it('the provider probe answers in one line: undefined where WebGPU works, else why not', () => {
    const reason = webgpuReason;
    if (reason !== undefined) {
      expect(reason).not.toContain('\n');
      expect(reason).not.toMatch(/\.cc:\d+/); // onnxruntime's source location is cut
      expect(reason).toMatch(/adapter|Vulkan|WebGPU/i);
    }
  });

  it('onnxruntime messages are cut to their reason', () => {
    expect(
      ortReason(
        '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::' +
          'Initialize(...)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. ' +
          'Failed to get a WebGPU adapter: No supported adapters\nstack',
      ),
    ).toBe('Failed to get a WebGPU adapter: No supported adapters');
    expect(ortReason('/x/provider_bridge_ort.cc:1988 Failed to load library libfoo.so')).toBe(
      'Failed to load library libfoo.so',
    );
  });

  it('auto tries CUDA, then WebGPU, then CPU, and reports each provider it skipped with its reason', async () => {
    const pool = new WorkerPool({ workers: 1 });
    try {
      const loaded = await pool.load('m', buildTinyGenerator(), 'auto');
      const skipped = loaded.fallbacks.map((f) => f.provider);
      if (loaded.provider === 'cpu') {
        expect(skipped).toEqual(['cuda', 'webgpu']);
        if (webgpuReason !== undefined) {
          expect(loaded.fallbacks[1]?.message).toBe(webgpuReason);
        }
      } else {
        expect(['cuda', 'webgpu']).toContain(loaded.provider);
      }
      for (const f of loaded.fallbacks) expect(f.message).not.toContain('\n');
    } finally {
      await pool.close();
    }
  });

  it('webgpu asked explicitly: runs on WebGPU, or fails naming WebGPU and the reason (no silent CPU)', async () => {
    const pool = new WorkerPool({ workers: 1 });
    try {
      const loading = pool.load('m', buildTinyGenerator(), 'webgpu');
      if (webgpuReason === undefined) expect((await loading).provider).toBe('webgpu');
      else await expect(loading).rejects.toThrow(`webgpu: ${webgpuReason}`);
    } finally {
      await pool.close();
    }
  });
});
