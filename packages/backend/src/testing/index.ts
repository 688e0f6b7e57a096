/**
 * @ganforge/backend/testing: helpers for kernel tests in this and other packages (run a function on a
 * named tfjs backend, seeded pseudo-random tensors, the convolution shapes the kernels are checked on).
 * Not part of the runtime API. thread-probe*.ts are the worker-thread probe the thread tests start by path.
 */
export * from './conv-cases.ts';
export * from './on-backend.ts';
