/** Plain results: a flat Float32Array and its shape (row-major, batch first). */
export interface TensorData {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(data: Float32Array, shape: readonly number[]): TensorData {
  if (data.length !== sizeOf(shape)) {
    throw new RangeError(`Tensor data has ${data.length} values but shape [${shape.join(', ')}] needs ${sizeOf(shape)}.`);
  }
  return { data, shape: [...shape] };
}

/** Row `i` of a batch-first tensor, as a view (no copy). */
export function row(t: TensorData, i: number): Float32Array {
  const stride = t.data.length / t.shape[0];
  return t.data.subarray(i * stride, (i + 1) * stride);
}
