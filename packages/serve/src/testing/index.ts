/**
 * @ganforge/serve/testing: helpers for tests in this and other packages (tiny ONNX generators, test
 * model cards, an HTTP test server harness). Not part of the runtime API.
 */
export * from './harness.ts';
export * from './test-card.ts';
export * from './thread-nice.ts';
export * from './tiny-generator.ts';
export * from './tiny-conditional.ts';
