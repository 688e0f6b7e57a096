/**
 * @ganforge/core/testing: helpers for the packages' tests (catching the GanforgeError a call throws).
 * Not part of the runtime API.
 */
export * from './error-of.ts';
