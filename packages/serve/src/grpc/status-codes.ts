import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { GanforgeError } from '@ganforge/core';

/** The gRPC status code for an HTTP status: what the same failure answers over REST. */
export function grpcCode(httpStatus: number): Status {
  switch (httpStatus) {
    case 400:
      return Status.INVALID_ARGUMENT;
    case 404:
      return Status.NOT_FOUND;
    case 408:
    case 504:
      return Status.DEADLINE_EXCEEDED;
    case 413:
    case 429:
      return Status.RESOURCE_EXHAUSTED;
    case 501:
      return Status.UNIMPLEMENTED;
    case 503:
      return Status.UNAVAILABLE;
    default:
      return httpStatus >= 400 && httpStatus < 500 ? Status.FAILED_PRECONDITION : Status.INTERNAL;
  }
}

/** Printable ASCII only: what a gRPC metadata value may hold. */
const METADATA_VALUE = /^[\x20-\x7e]*$/;

/**
 * An error as a gRPC status: the code for its HTTP status, the REST message as `details`, and in the
 * trailing metadata what REST puts beside it: `ganforge-code`, `ganforge-hint`, `ganforge-field` and
 * `retry-after` (seconds, for RESOURCE_EXHAUSTED from admission). Anything that is not a GanforgeError is
 * INTERNAL "internal server error", as over REST (the caller logs it).
 */
export function grpcError(err: unknown): ServiceError {
  const metadata = new Metadata();
  if (!(err instanceof GanforgeError)) {
    metadata.set('ganforge-code', 'internal');
    return Object.assign(new Error('internal server error'), {
      code: Status.INTERNAL,
      details: 'internal server error',
      metadata,
    });
  }
  const extra = err as GanforgeError & { field?: string; retryAfterSeconds?: number };
  const add = (key: string, value: string | undefined) => {
    if (value && METADATA_VALUE.test(value)) metadata.set(key, value);
  };
  add('ganforge-code', err.code);
  add('ganforge-hint', err.hint);
  add('ganforge-field', extra.field);
  if (extra.retryAfterSeconds !== undefined) add('retry-after', String(extra.retryAfterSeconds));
  return Object.assign(new Error(err.message), {
    code: grpcCode(err.status),
    details: err.message,
    metadata,
  });
}
