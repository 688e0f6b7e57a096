import { GanforgeError } from '@ganforge/core';

/**
 * The error for a dataset file or folder (`what`, e.g. "IDX file x") that could not be read:
 * `dataset_not_found` when it does not exist, else `dataset_unreadable` with the system's reason.
 */
export function datasetReadError(e: unknown, what: string, hint: string): GanforgeError {
  const code = (e as NodeJS.ErrnoException).code;
  return new GanforgeError(
    code === 'ENOENT' ? 'dataset_not_found' : 'dataset_unreadable',
    code === 'ENOENT' ? `${what} does not exist` : `${what} cannot be read (${(e as Error).message})`,
    { hint, cause: e },
  );
}
