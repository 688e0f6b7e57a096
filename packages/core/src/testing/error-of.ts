import { GanforgeError } from '../errors.ts';

/** The GanforgeError `fn` throws; any other error is rethrown, and no error at all fails the test. */
export function errorOf(fn: () => unknown): GanforgeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GanforgeError) return e;
    throw e;
  }
  throw new Error('expected a GanforgeError');
}

/** The GanforgeError `p` rejects with; any other error is rethrown, and no rejection fails the test. */
export async function rejectionOf(p: Promise<unknown>): Promise<GanforgeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GanforgeError) return e;
    throw e;
  }
  throw new Error('expected a GanforgeError');
}
