import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/harness.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';

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
