/**
 * Sum and Mean over the leading axes of a tensor (e.g. axes [0, 1, 2] of NHWC activations: the
 * per-channel sums of BatchNorm's forward and backward passes). The stock wasm kernels first
 * transpose the reduced axes to the end with a slow generic transpose (~100M elements/s here), which
 * made Sum, Mean and Tile ~45% of a faces-VAE step. Reading the heap row by row needs no transpose.
 */
import { backend_util, util, type KernelBackend, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, makeOutput } from './stock.ts';

/** Splits `shape` into outer (reduced) x inner (kept) when `axes` are exactly the leading axes. */
export function leadingSplit(shape: number[], axis: number | number[]): { outer: number; inner: number; axes: number[] } | null {
  const axes = util.parseAxisParam(axis, shape).slice().sort((a, b) => a - b);
  if (axes.length === 0 || axes.length === shape.length) return null;
  if (!axes.every((a, i) => a === i)) return null;
  const outer = util.sizeFromShape(shape.slice(0, axes.length));
  const inner = util.sizeFromShape(shape.slice(axes.length));
  return { outer, inner, axes };
}

/** out[j] = scale * sum over i of x[i * inner + j], accumulated in float64. */
export function reduceLeading(
  backend: KernelBackend,
  x: TensorInfo,
  split: { outer: number; inner: number; axes: number[] },
  keepDims: boolean,
  scale: number,
): TensorInfo {
  const { outer, inner, axes } = split;
  const keptShape = x.shape.slice(axes.length);
  const outShape = keepDims ? backend_util.expandShapeToKeepDim(keptShape, axes) : keptShape;
  const out = makeOutput(backend, outShape, 'float32');
  // Views are taken after makeOutput: allocating may grow (and detach) the heap.
  const xs = heapF32(backend, x);
  const acc = new Float64Array(inner);
  // Four rows per pass: a quarter of the accumulator loads and stores.
  let i = 0;
  for (; i + 4 <= outer; i += 4) {
    const b0 = i * inner;
    const b1 = b0 + inner;
    const b2 = b1 + inner;
    const b3 = b2 + inner;
    for (let j = 0; j < inner; j++) acc[j]! += xs[b0 + j]! + xs[b1 + j]! + xs[b2 + j]! + xs[b3 + j]!;
  }
  for (; i < outer; i++) {
    const base = i * inner;
    for (let j = 0; j < inner; j++) acc[j]! += xs[base + j]!;
  }
  const o = heapF32(backend, out);
  for (let j = 0; j < inner; j++) o[j] = acc[j]! * scale;
  return out;
}
