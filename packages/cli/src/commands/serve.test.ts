import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '@ganforge/serve/testing';

const BIN = fileURLToPath(new URL('../../bin/ganforge.mjs', import.meta.url));

function post(url: string, body: object): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('ganforge serve / sample (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ganforge-cli-serve-'));
    await writeTinyModel(join(dir, 'models'), 'slow', { hidden: { width: 1024, layers: 100 } });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves, and on SIGTERM finishes the request in flight before exiting 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--models', join(dir, 'models'), '--port', '0', '--threads', '1', '--log-level', 'warn'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /serving 1\/1 model\(s\) at (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const inFlight = post(`${url}/v1/models/slow/samples`, { n: 256, format: 'npy' });
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await inFlight;
    expect(r).toEqual({ status: 200, bytes: 128 + 256 * 64 * 4 });
    expect(await exited).toBe(0);
  });

  it.each([
    ['cuda', 'CUDA'],
    ['webgpu', 'WebGPU'],
  ])('--device %s without its provider is a one-line startup error (exit 1)', async (device, named) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--models',
        join(dir, 'models'),
        '--port',
        '0',
        '--device',
        device,
        '--log-level',
        'silent',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      // A machine that has the provider serves instead: that is also correct.
      child.stderr.on('data', () => {
        if (stderr.includes('serving ')) child.kill('SIGTERM');
      });
    });
    if (stderr.includes('serving ')) return;
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      new RegExp(`^ganforge: --device ${device}: the ${named} execution provider is not available`),
    );
  });

  it('a busy --port is a one-line error and the process exits (1) instead of staying up deaf', async () => {
    const busy = createNetServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const child = spawn(
        process.execPath,
        [BIN, 'serve', '--models', join(dir, 'models'), '--port', String(port), '--log-level', 'silent'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // Bounded: a server that stays up without listening is killed and fails the test.
      const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearTimeout(guard);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(
        new RegExp(`^ganforge: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`),
      );
      expect(stderr).toMatch(/choose another --port/);
    } finally {
      busy.close();
    }
  });

  it('sample writes a grid from a model directory', async () => {
    const out = join(dir, 'grid.png');
    const child = spawn(
      process.execPath,
      [BIN, 'sample', join(dir, 'models', 'slow'), '--n', '4', '--seed', '1', '--out', out],
      { stdio: 'pipe' },
    );
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const png = await readFile(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
