/**
 * Batch order for the train package's loaders (Fashion-MNIST, CelebA): the shuffle and the batch
 * ranges are @latentkit/data's (one definition for every dataset, the image folder's included);
 * only the `limit` check, which those loaders alone take, is here.
 */
import { ValueError } from '../errors.ts';

export { batchRanges, passOrder } from '@latentkit/data';

/** `limit` options keep the first N items of a split. @throws ValueError for a negative or fractional limit. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new ValueError(`limit must be a non-negative integer, received ${String(limit)}`);
  }
}
