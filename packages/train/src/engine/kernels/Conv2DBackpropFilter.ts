/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none, so convnets cannot
 * train on it).
 *
 * dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[n, oh, ow, co]
 *
 * is itself a convolution once the batch axis plays the role of channels, and so runs through
 * XNNPACK's Conv2D ("conv" form):
 *   x' = [Ci, H, W, N] (input channels become the batch), f' = dy as [OH, OW, N, Co];
 *   x' conv f', stride 1, dilated by the forward stride -> [Ci, KH, KW, Co] -> [KH, KW, Ci, Co],
 *   over batch chunks whose packed f' stays in cache, summed.
 * Layers with very few input or output channels (the models' first and last layers) use a single
 * matrix product instead (filter-grad-cols.ts): XNNPACK's GEMM wastes most of its work when the
 * conv's output has 1-3 columns.
 *
 * The axis moves run in JS on the heap (heap-transpose.ts); the stock wasm Transpose made them
 * cost as much as the convolution. (Conv3DBackpropFilterV2 looked like a shortcut but gives wrong
 * results at stride 2.)
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelBackend,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { colsSizes, filterGradDyCols, filterGradXCols } from './filter-grad-cols.ts';
import { swapOuterInner, swapOuterMiddle } from './heap-transpose.ts';
import { heapF32 } from './stock.ts';
import { conv2d, cropSpatial, release } from './wasm-ops.ts';

type Shape4 = [number, number, number, number];

/** Layers with at most this many input or output channels use a matrix-product form. */
const COLS_MAX_CHANNELS = 4;
/** ...as long as the rearranged operand stays below this many floats (256 MB). */
const COLS_MAX_FLOATS = 64 * 1024 * 1024;
/** Target size of one batch chunk's packed dy in the conv form. */
const CHUNK_BYTES = 3.5 * 1024 * 1024;

export type FilterGradForm = 'conv' | 'x-cols' | 'dy-cols';

/** The form for a layer: a matrix product when one side has very few channels, else the conv. */
export function pickForm(info: backend_util.Conv2DInfo): FilterGradForm {
  if (Math.min(info.inChannels, info.outChannels) > COLS_MAX_CHANNELS) return 'conv';
  const sizes = colsSizes(info);
  if (sizes.x <= sizes.dy) return sizes.x <= COLS_MAX_FLOATS ? 'x-cols' : 'conv';
  return sizes.dy <= COLS_MAX_FLOATS ? 'dy-cols' : 'conv';
}

/** Batch images per conv call: keeps the packed dy "filter" (OH*OW*Co floats an image) near 3.5 MB. */
function batchChunk(n: number, bytesPerImage: number): number {
  const parts = Math.max(1, Math.ceil((n * bytesPerImage) / CHUNK_BYTES));
  return Math.ceil(n / parts);
}

export function conv2DBackpropFilter(
  args: { inputs: Conv2DBackpropFilterInputs; backend: KernelBackend; attrs: Conv2DBackpropFilterAttrs },
  form?: FilterGradForm,
  /** Images per conv call in the conv form; default: sized by CHUNK_BYTES. */
  chunkImages?: number,
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const dy = inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only; received '${dataFormat}'`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4, filterShape as Shape4, strides, 1, pad, dimRoundingMode, false, format,
  );
  const { batchSize: n, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  // Few channels on one side: one matrix product over a rearranged copy of the small side.
  const chosen = form ?? pickForm(info);
  if (chosen === 'x-cols') return filterGradXCols(backend, x, dy, info, chunkImages);
  if (chosen === 'dy-cols') return filterGradDyCols(backend, x, dy, info);

  // Padding after the data so that the dilated "filter" (dy) fits exactly KH times; it is
  // negative when a 'valid' conv ignored trailing rows, which are then cropped instead.
  const padBottom = (outHeight - 1) * strideHeight + kh - inHeight - padTop;
  const padRight = (outWidth - 1) * strideWidth + kw - inWidth - padLeft;
  // The batch is the reduction axis of this convolution's GEMM. Chunks keep the packed "filter"
  // (dy) small enough to stay in cache (10-20% faster on the AE's layers); their results are summed.
  const chunk = chunkImages ?? batchChunk(n, outHeight * outWidth * co * 4);
  let grad: TensorInfo | undefined; // [Ci, KH, KW, Co]
  for (let a0 = 0; a0 < n; a0 += chunk) {
    const a1 = Math.min(n, a0 + chunk);
    const xT = swapOuterInner(backend, x, n, inHeight * inWidth, ci, [ci, inHeight, inWidth, a1 - a0], a0, a1);
    const dyT = swapOuterMiddle(backend, dy, n, outHeight * outWidth, co, [outHeight, outWidth, a1 - a0, co], a0, a1);
    const fitted = cropSpatial(backend, xT, [padTop, padBottom, padLeft, padRight]);
    const part = conv2d(backend, fitted.x, dyT, fitted.pad, [1, 1], [strideHeight, strideWidth]);
    release(backend, xT, dyT);
    if (fitted.owned) release(backend, fitted.x);
    if (grad === undefined) grad = part;
    else {
      const g = heapF32(backend, grad);
      const p = heapF32(backend, part);
      for (let i = 0; i < g.length; i++) g[i]! += p[i]!;
      release(backend, part);
    }
  }
  const out = swapOuterMiddle(backend, grad!, ci, kh * kw, co, [kh, kw, ci, co]);
  release(backend, grad!);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
