/**
 * Can onnxruntime-node's WebGPU execution provider start here? onnxruntime-node 1.30 has Dawn built in;
 * it needs a GPU with a Vulkan driver. Asked once per server in a child process, on an 85-byte Identity
 * model, because Dawn writes its own diagnostics ("Couldn't load Vulkan: ...") straight to the process's
 * stderr and a broken driver can take the process down: the server's own stderr and workers stay clean,
 * and the child's stderr becomes part of the one-line reason.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dawnDiagnostic } from '@ganforge/core';
import { ortReason } from './ort-reason.mjs';

/** An ONNX model with one float [1] input `x` and `y = Identity(x)` (opset 13), written with onnx-proto. */
const IDENTITY_MODEL =
  'CAgSDmdhbmZvcmdlLXByb2JlOjsKEAoBeBIBeSIISWRlbnRpdHkSBXByb2JlWg8KAXgSCgoICAESBAoCCAFiDwoBeRIKCggIARIECgIIAUIECgAQDQ==';

const CHILD = `
const ort = (await import(process.argv[1])).default;
ort.env.logLevel = 'fatal';
try {
  const s = await ort.InferenceSession.create(Buffer.from(process.argv[2], 'base64'), { executionProviders: ['webgpu'] });
  const r = await s.run({ x: new ort.Tensor('float32', Float32Array.from([2]), [1]) });
  process.stdout.write(JSON.stringify(r.y.data[0] === 2 ? { ok: true } : { ok: false, message: 'the WebGPU provider computed a wrong result' }) + '\\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, message: String(e?.message ?? e) }) + '\\n');
}
process.exit(0);
`;

/** undefined when the WebGPU provider works here, else why not (one line). */
export function probeWebgpuProvider(timeoutMs = 30_000): Promise<string | undefined> {
  let ortEntry: string;
  try {
    ortEntry = createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch {
    return Promise.resolve('onnxruntime-node is not installed');
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD, pathToFileURL(ortEntry).href, IDENTITY_MODEL],
      { timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const note = dawnDiagnostic(stderr);
        const withNote = (reason: string): string => (note === undefined ? reason : `${reason} (${note})`);
        if (error !== null) {
          resolve(
            withNote(
              error.killed
                ? `the WebGPU probe timed out after ${timeoutMs} ms`
                : `the WebGPU probe crashed (exit ${String(error.code)})`,
            ),
          );
          return;
        }
        try {
          const answer = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
            ok: boolean;
            message?: string;
          };
          resolve(answer.ok ? undefined : withNote(ortReason(answer.message ?? 'unknown error')));
        } catch {
          resolve(withNote('the WebGPU probe gave no answer'));
        }
      },
    );
  });
}
