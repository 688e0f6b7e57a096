// What a call or a promise that must fail failed with: @ganforge/core's helpers, by the names these tests use.
export { errorOf as thrown, rejectionOf as rejection } from '@ganforge/core/testing';
