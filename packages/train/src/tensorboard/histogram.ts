/**
 * HistogramProto from raw values: `buckets` equal-width buckets over [min, max] of the finite values,
 * with min, max, count, sum and sum of squares (TensorBoard's histogram.proto). TensorBoard reads bucket
 * i as (bucket_limit[i-1], bucket_limit[i]], so the limits are the buckets' right edges and the first
 * bucket holds min. A constant sample gets one bucket at its value; no finite value gives an empty
 * histogram (num 0), which TensorBoard shows as no data for that step.
 */
import { ValueError } from '../errors.ts';
import type { HistogramValue } from './proto.ts';

/** Default bucket count: TensorBoard's own v2 summaries default to 30 (histogram/summary_v2.py). */
export const DEFAULT_BUCKETS = 30;

/** @throws ValueError when `buckets` is not a positive integer. */
export function histogramOf(values: ArrayLike<number>, buckets = DEFAULT_BUCKETS): HistogramValue {
  if (!Number.isInteger(buckets) || buckets < 1) throw new ValueError(`buckets must be a positive integer, received ${String(buckets)}`);
  let min = Infinity, max = -Infinity, num = 0, sum = 0, sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    num++;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (num === 0) return { min: 0, max: 0, num: 0, sum: 0, sum_squares: 0, bucket_limit: [], bucket: [] };
  if (min === max) return { min, max, num, sum, sum_squares: sumSquares, bucket_limit: [max], bucket: [num] };
  const width = (max - min) / buckets;
  const bucket = new Array<number>(buckets).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    // ceil puts a value on an inner edge into the bucket at its left, as (left, right] says; min goes to bucket 0.
    bucket[Math.min(buckets - 1, Math.max(0, Math.ceil((v - min) / width) - 1))]++;
  }
  const bucket_limit = bucket.map((_, i) => (i === buckets - 1 ? max : min + (i + 1) * width));
  return { min, max, num, sum, sum_squares: sumSquares, bucket_limit, bucket };
}
