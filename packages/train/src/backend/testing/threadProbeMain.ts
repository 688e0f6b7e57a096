/** Child process for the threads test: `node --import tsx threadProbeMain.ts <threads>`. */
import { selectBackend } from '../selectBackend.ts';
import { convWorkload } from './threadProbe.ts';

const backend = await selectBackend('wasm', { wasmThreads: Number(process.argv[2] ?? 2) });
process.stdout.write(JSON.stringify({ backend, values: convWorkload() }));
