/**
 * The first line of Dawn's own diagnostics in a child process's stderr, without its "Warning: " (or
 * "Error: ") prefix and the source-location lines under it: "Couldn't load Vulkan: libvulkan.so.1: ...".
 * Dawn (the WebGPU implementation in npm `webgpu` and inside onnxruntime-node) writes these to stderr
 * itself, so ganforge's WebGPU adapter probes (training and serving) run in a child process and read
 * them from there. Lines from onnxruntime's own logger ("[E:onnxruntime...") are not Dawn's and are skipped.
 */
export function dawnDiagnostic(stderr: string): string | undefined {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('at ') && !l.includes('[E:onnxruntime'));
  return line?.replace(/^(Warning|Error):\s*/, '');
}
