// onnxruntime's error messages in one line, without their source location. Plain JavaScript so that
// session-worker.mjs (no TypeScript loader in a worker) and the TypeScript side share it.

/**
 * "…/webgpu_context.cc:136 … adapter_result.status == … was false. Failed to get a WebGPU adapter: No
 * supported adapters" -> "Failed to get a WebGPU adapter: No supported adapters".
 * @param {string} message
 * @returns {string}
 */
export function ortReason(message) {
  const line = message.split('\n').find((l) => l.trim() !== '') ?? message;
  const reason = /was false\. (.*)$/.exec(line)?.[1] ?? line.replace(/^\S*\.cc:\d+\s+/, '');
  return reason.length > 300 ? `${reason.slice(0, 300)}...` : reason;
}
