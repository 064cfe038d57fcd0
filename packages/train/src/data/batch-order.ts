/** The order in which a dataset hands out its items for one pass, shared by every loader. */
import type { BatchOptions } from '../types.ts';
import { ValueError } from '../errors.ts';
import { shuffledIndices } from '@latentkit/format';

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`batchSize must be a positive integer, received ${String(batchSize)}`);
  }
}

/** `limit` options keep the first N items of a split. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new ValueError(`limit must be a non-negative integer, received ${String(limit)}`);
  }
}

/**
 * Item indices for one pass: 0..size-1, or a permutation fixed by options.seed (default 0) when
 * shuffling, so the same seed always gives the same epoch (training resumes rely on that).
 */
export function passOrder(size: number, options: BatchOptions = {}): Uint32Array {
  if (options.shuffle) {
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new ValueError(`seed must be a finite number, received ${String(seed)}`);
    return shuffledIndices(size, seed);
  }
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  return order;
}

/** [start, end) of each batch over `size` items. */
export function batchRanges(size: number, batchSize: number, dropRemainder = false): Array<[number, number]> {
  checkBatchSize(batchSize);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < size; start += batchSize) {
    const end = Math.min(size, start + batchSize);
    if (dropRemainder && end - start < batchSize) break;
    ranges.push([start, end]);
  }
  return ranges;
}
