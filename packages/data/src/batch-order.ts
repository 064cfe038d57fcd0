/** The order in which a dataset hands out its items for one pass. */
import { shuffledIndices } from '@latentkit/format';
import { DataOptionError } from './errors.ts';
import type { BatchOptions } from './types.ts';

/**
 * Item indices for one pass: 0..size-1, or a permutation fixed by options.seed (default 0) when
 * shuffling, so the same seed always gives the same epoch (training resumes rely on that).
 * @throws DataOptionError for a seed that is not finite.
 */
export function passOrder(size: number, options: BatchOptions = {}): Uint32Array {
  if (options.shuffle) {
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new DataOptionError(`seed must be a finite number, received ${String(seed)}`);
    return shuffledIndices(size, seed);
  }
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  return order;
}

/** [start, end) of each batch over `size` items. @throws DataOptionError for a batch size that is not a positive integer. */
export function batchRanges(size: number, batchSize: number, dropRemainder = false): Array<[number, number]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataOptionError(`batchSize must be a positive integer, received ${String(batchSize)}`);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < size; start += batchSize) {
    const end = Math.min(size, start + batchSize);
    if (dropRemainder && end - start < batchSize) break;
    ranges.push([start, end]);
  }
  return ranges;
}

/** v / 255 as float32 for every byte (Keras's Rescaling(1/255)), without a division a pixel. */
export const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = v / 255;
  return t;
})();

/** `limit` options keep the first N items of a split (Fashion-MNIST, CelebA). @throws DataOptionError for a negative or fractional limit. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new DataOptionError(`limit must be a non-negative integer, received ${String(limit)}`);
  }
}
