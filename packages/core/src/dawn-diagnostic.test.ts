import { describe, expect, it } from 'vitest';
import { dawnDiagnostic } from './dawn-diagnostic.ts';

describe('dawnDiagnostic', () => {
  it("reads Dawn's first diagnostic line as the reason", () => {
    const stderr =
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n" +
      '    at operator() (third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n';
    expect(dawnDiagnostic(stderr)).toBe(
      "Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
    );
    expect(dawnDiagnostic('')).toBeUndefined();
  });

  it("skips onnxruntime's own log lines", () => {
    const stderr =
      '2026-12-02 00:04:44.77 [E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] Failed to load\n' +
      'Warning: No Vulkan ICD found\n';
    expect(dawnDiagnostic(stderr)).toBe('No Vulkan ICD found');
  });
});
