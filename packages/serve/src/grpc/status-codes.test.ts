import { status as Status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { grpcCode, grpcError } from './status-codes.ts';

describe('HTTP status -> gRPC status', () => {
  it('maps the statuses REST answers to their gRPC codes', () => {
    expect([400, 404, 413, 429, 503, 504, 500, 409].map((s) => Status[grpcCode(s)])).toEqual([
      'INVALID_ARGUMENT',
      'NOT_FOUND',
      'RESOURCE_EXHAUSTED',
      'RESOURCE_EXHAUSTED',
      'UNAVAILABLE',
      'DEADLINE_EXCEEDED',
      'INTERNAL',
      'FAILED_PRECONDITION',
    ]);
  });

  it("keeps REST's message, and its code, hint, field and Retry-After as metadata", () => {
    const e = grpcError(
      Object.assign(
        new GanforgeError('deadline_exceeded', 'the request did not finish within 30 ms', {
          status: 504,
          hint: 'ask for fewer samples',
        }),
        { field: 'n', retryAfterSeconds: 3 },
      ),
    );
    expect(e.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(e.details).toBe('the request did not finish within 30 ms');
    expect(e.metadata.getMap()).toEqual({
      'ganforge-code': 'deadline_exceeded',
      'ganforge-hint': 'ask for fewer samples',
      'ganforge-field': 'n',
      'retry-after': '3',
    });
  });

  it('anything else is INTERNAL "internal server error", as over REST (no internals leak)', () => {
    const e = grpcError(new Error('ENOENT /secret/path'));
    expect(e.code).toBe(Status.INTERNAL);
    expect(e.details).toBe('internal server error');
    const failed = grpcError(
      new GanforgeError('inference_failed', "inference failed for model 'm'", { status: 500 }),
    );
    expect([failed.code, failed.details]).toEqual([Status.INTERNAL, "inference failed for model 'm'"]);
  });
});
