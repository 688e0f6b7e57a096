/** Child process for the threads test: `node --import tsx thread-probe-main.ts <threads> <onnxruntime|xnnpack>`. */
import { selectBackend } from '../select-backend.ts';
import { convWorkload } from './thread-probe.ts';

const backend = await selectBackend('wasm', {
  wasmThreads: Number(process.argv[2] ?? 2),
  wasmGemm: process.argv[3] === 'xnnpack' ? 'xnnpack' : 'onnxruntime',
});
process.stdout.write(JSON.stringify({ backend, values: convWorkload() }));
