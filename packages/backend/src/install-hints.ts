import type { BackendName } from './types.ts';

/** The npm package that provides each backend. */
export const BACKEND_PACKAGE: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu + webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const add = (pkg: string): string => `pnpm --filter @ganforge/backend add ${pkg}@4.22.0`;

/** How to install a backend: shown as the hint of a `backend_unavailable` error. */
export const INSTALL_HINT: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu':
    `install it with \`${add(BACKEND_PACKAGE['tensorflow-gpu'])}\` on Linux x64 with an NVIDIA GPU, ` +
    'CUDA 11.2 and cuDNN 8.1 (it downloads libtensorflow 2.9.1 while installing, so it needs internet), ' +
    'or pick another backend with --backend tensorflow|wasm|cpu',
  webgpu:
    'install it with `pnpm --filter @ganforge/backend add @tensorflow/tfjs-backend-webgpu@4.22.0 webgpu@0.6.2` ' +
    '(Dawn for Node: its prebuilt binary is in the npm tarball, nothing is downloaded); it needs a GPU ' +
    "with a Vulkan driver (libvulkan.so.1 and the vendor's ICD; Debian 12's Mesa lavapipe is too old for Dawn), " +
    'or pick another backend with --backend tensorflow|wasm|cpu',
  tensorflow:
    `install it with \`${add(BACKEND_PACKAGE.tensorflow)}\` (it downloads libtensorflow 2.9.1 for your ` +
    'platform while installing, so it needs internet), or pick another backend with --backend wasm|cpu',
  wasm: `install it with \`${add(BACKEND_PACKAGE.wasm)}\`, or use --backend cpu`,
  cpu: `install it with \`${add(BACKEND_PACKAGE.cpu)}\``,
};
