/**
 * The profiler of `scripts/bench-serve-profile.ts --naive` (signal-profiler.ts around the unchanged naive
 * server, naive-profiled.ts), as a real process on loopback with the shipped DCGAN: SIGUSR2 starts it,
 * the server keeps answering, and SIGTERM writes the profile before the server's own handler exits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NAIVE_PROFILED_CHILD, startProfiling, startServer } from './bench-servers.ts';

const MODELS = fileURLToPath(new URL('../../../../models', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ganforge-signal-profiler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('signal profiler (bench)', () => {
  it('profiles the naive server from SIGUSR2 to SIGTERM and writes the profile before it exits', async () => {
    const profileOut = join(dir, 'naive.cpuprofile');
    const server = await startServer(
      { modelsDir: MODELS, model: 'mnist-dcgan', profileOut, profileIntervalUs: 100 },
      NAIVE_PROFILED_CHILD,
    );
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    await startProfiling(server);
    const sample = async () => {
      const r = await fetch(`${server.url}/v1/models/mnist-dcgan/samples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 2, seed: 3, format: 'npy' }),
      });
      return { status: r.status, bytes: (await r.arrayBuffer()).byteLength };
    };
    for (let i = 0; i < 20; i++)
      expect(await sample()).toEqual({ status: 200, bytes: 128 + 2 * 28 * 28 * 4 });
    await server.stop();
    expect(await exited).toBe(0);

    const profile = JSON.parse(readFileSync(profileOut, 'utf8')) as {
      nodes: { callFrame: { url: string } }[];
      samples: number[];
      startTime: number;
      endTime: number;
    };
    expect(profile.samples.length).toBeGreaterThan(10);
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
    // The server's own code ran while it was profiled.
    expect(profile.nodes.some((n) => n.callFrame.url.endsWith('naive-server.ts'))).toBe(true);
  }, 60_000);
});
