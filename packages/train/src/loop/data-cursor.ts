import { restoreRng, type RngState } from '@ganforge/core';
import { batches, type Batch, type Dataset } from '@ganforge/data';

/** Position in the data: epoch, batches done in it, and the data RNG state at its start. */
export interface DataCursor {
  epoch: number;
  batchInEpoch: number;
  /** Data RNG state at the start of the current epoch (replayed to rebuild its shuffle on resume). */
  epochStart: RngState;
  nextEpochStart: RngState | undefined;
  iterator: Iterator<Batch> | undefined;
}

/** A cursor at `batchInEpoch` of `epoch`, whose shuffle the data RNG draws from `epochStart`. */
export function dataCursor(epoch: number, batchInEpoch: number, epochStart: RngState): DataCursor {
  return { epoch, batchInEpoch, epochStart, nextEpochStart: undefined, iterator: undefined };
}

/** The next real batch; rolls over to the next epoch right after its last batch. */
export function takeBatch(
  ds: Dataset,
  batchSize: number,
  cursor: DataCursor,
  perEpoch: number,
): { batch: Batch; epoch: number } {
  let result: IteratorResult<Batch>;
  if (cursor.iterator === undefined) {
    const dataRng = restoreRng(cursor.epochStart);
    cursor.iterator = batches(ds, batchSize, dataRng);
    result = cursor.iterator.next(); // draws the epoch's shuffle from dataRng
    cursor.nextEpochStart = dataRng.getState();
    for (let i = 0; i < cursor.batchInEpoch; i++) result = cursor.iterator.next(); // resume mid-epoch
  } else {
    result = cursor.iterator.next();
  }
  if (result.done)
    throw new Error(`internal: epoch ${cursor.epoch} ran out of batches at ${cursor.batchInEpoch}`);
  const epoch = cursor.epoch;
  cursor.batchInEpoch += 1;
  if (cursor.batchInEpoch >= perEpoch) {
    cursor.epoch += 1;
    cursor.batchInEpoch = 0;
    cursor.epochStart = cursor.nextEpochStart as RngState;
    cursor.iterator = undefined;
  }
  return { batch: result.value, epoch };
}
