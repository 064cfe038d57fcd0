/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none, so convnets cannot
 * train on it).
 *
 * dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[n, oh, ow, co]
 *
 * is itself a convolution once the batch axis plays the role of channels, and so runs through
 * XNNPACK's Conv2D. Two arrangements, picked by shape (XNNPACK's GEMM wastes most of its work when
 * the conv's output channels are few, e.g. the AE's last Conv2D with one output channel):
 *
 * "x as input" (any stride):
 *   x' = [Ci, H, W, N] (input channels become the batch), f' = dy as [OH, OW, N, Co];
 *   x' conv f', stride 1, dilated by the forward stride -> [Ci, KH, KW, Co] -> [KH, KW, Ci, Co].
 * "dy as input" (stride 1, used when Co < Ci):
 *   dy' = [Co, OH, OW, N], f' = x as [H, W, N, Ci];
 *   dy' (padded by KH-1-padTop before) conv f' -> [Co, KH, KW, Ci], with kh and kw reversed.
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
import { swapOuterInner, swapOuterMiddle } from './heap-transpose.ts';
import { heapF32, makeOutput } from './stock.ts';
import { conv2d, cropSpatial, release } from './wasm-ops.ts';

type Shape4 = [number, number, number, number];

export function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: KernelBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
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
  const stride1 = strideHeight === 1 && strideWidth === 1;

  if (stride1 && co < ci) {
    const dyT = swapOuterInner(backend, dy, n, outHeight * outWidth, co, [co, outHeight, outWidth, n]);
    const xT = swapOuterMiddle(backend, x, n, inHeight * inWidth, ci, [inHeight, inWidth, n, ci]);
    const before = [kh - 1 - padTop, kw - 1 - padLeft];
    const after = [kh - 1 + inHeight - outHeight - before[0]!, kw - 1 + inWidth - outWidth - before[1]!];
    const fitted = cropSpatial(backend, dyT, [before[0]!, after[0]!, before[1]!, after[1]!]);
    const r = conv2d(backend, fitted.x, xT, fitted.pad); // [Co, KH, KW, Ci], kh and kw reversed
    release(backend, dyT, xT);
    if (fitted.owned) release(backend, fitted.x);
    const out = makeOutput(backend, [kh, kw, ci, co], 'float32');
    const rs = heapF32(backend, r);
    const o = heapF32(backend, out);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        for (let c = 0; c < co; c++) {
          const src = ((c * kh + (kh - 1 - a)) * kw + (kw - 1 - b)) * ci;
          const dst = (a * kw + b) * ci * co + c;
          for (let i = 0; i < ci; i++) o[dst + i * co] = rs[src + i]!;
        }
      }
    }
    release(backend, r);
    return out;
  }

  // Padding after the data so that the dilated "filter" (dy) fits exactly KH times; it is
  // negative when a 'valid' conv ignored trailing rows, which are then cropped instead.
  const padBottom = (outHeight - 1) * strideHeight + kh - inHeight - padTop;
  const padRight = (outWidth - 1) * strideWidth + kw - inWidth - padLeft;
  const xT = swapOuterInner(backend, x, n, inHeight * inWidth, ci, [ci, inHeight, inWidth, n]);
  const dyT = swapOuterMiddle(backend, dy, n, outHeight * outWidth, co, [outHeight, outWidth, n, co]);
  const fitted = cropSpatial(backend, xT, [padTop, padBottom, padLeft, padRight]);
  const grad = conv2d(backend, fitted.x, dyT, fitted.pad, [1, 1], [strideHeight, strideWidth]); // [Ci, KH, KW, Co]
  release(backend, xT, dyT);
  if (fitted.owned) release(backend, fitted.x);
  const out = swapOuterMiddle(backend, grad, ci, kh * kw, co, [kh, kw, ci, co]);
  release(backend, grad);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
