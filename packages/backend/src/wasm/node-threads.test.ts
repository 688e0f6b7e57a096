import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, onBackend, useBackendInSuite } from '../testing/on-backend.ts';
import { convWorkload } from '../testing/thread-probe.ts';
import type { BackendInfo } from '../types.ts';
import { defaultWasmThreads } from './setup-wasm.ts';

// The thread count is fixed when wasm first starts in a process, so the threaded run gets its own.
const main = fileURLToPath(new URL('../testing/thread-probe-main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('multithreaded wasm in Node', () => {
  useBackendInSuite('cpu');

  // On 2 threads the heap is a SharedArrayBuffer, which the onnxruntime route copies out of and into.
  it.each([
    ['xnnpack', 'XNNPACK (wasm)'],
    ['onnxruntime', 'onnxruntime-node 1.30.0, 2 threads'],
  ])(
    'runs 2 threads, convolutions and matmuls on %s: matches cpu on conv forward/backward, and the process exits',
    async (gemm, described) => {
      const started = Date.now();
      const child = spawnSync(process.execPath, ['--import', 'tsx', main, '2', gemm], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.error).toBeUndefined(); // a timeout here = the pthread pool kept Node alive
      expect(child.status, child.stderr).toBe(0);
      const { backend, values } = JSON.parse(child.stdout) as { backend: BackendInfo; values: number[][] };
      expect(backend).toMatchObject({ name: 'wasm', threads: 2, simd: true, gemm: described });
      const cpu = await onBackend('cpu', convWorkload);
      cpu.forEach((expected, i) => {
        const scale = Math.max(...expected.map(Math.abs));
        expect(maxAbsDiff(values[i]!, expected)).toBeLessThan(1e-5 * scale);
      });
      expect(Date.now() - started).toBeLessThan(60_000);
    },
  );

  it('asks for one thread per core (at most 8) on XNNPACK, one on onnxruntime, unless GANFORGE_WASM_THREADS says otherwise', () => {
    expect(defaultWasmThreads(1, {})).toBe(1);
    expect(defaultWasmThreads(2, {})).toBe(2);
    expect(defaultWasmThreads(4, {})).toBe(4);
    expect(defaultWasmThreads(32, {})).toBe(8);
    expect(defaultWasmThreads(4, { GANFORGE_WASM_THREADS: '1' })).toBe(1);
    expect(defaultWasmThreads(2, { GANFORGE_WASM_THREADS: '16' })).toBe(8);
    expect(defaultWasmThreads(2, { GANFORGE_WASM_THREADS: 'two' })).toBe(2); // not a number: ignored
    // Convolutions and matmuls on onnxruntime: one thread unless told (2 threads measured no faster on 2 cores).
    expect(defaultWasmThreads(2, {}, 'onnxruntime')).toBe(1);
    expect(defaultWasmThreads(16, {}, 'onnxruntime')).toBe(1);
    expect(defaultWasmThreads(2, { GANFORGE_WASM_THREADS: '2' }, 'onnxruntime')).toBe(2);
  });
});
