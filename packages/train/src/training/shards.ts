/** Splits n items into `parts` near-equal shard sizes, larger first (10 into 3: 4, 3, 3). */
export function shardSizes(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}
