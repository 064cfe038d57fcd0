/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none, so convnets cannot
 * train on it).
 *
 * dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[n, oh, ow, co]
 *
 * is itself a convolution once the batch axis plays the role of channels: with
 *   x' = transpose(x, [3, 1, 2, 0])    shape [Ci, H, W, N]    (input channels become the batch)
 *   f' = transpose(dy, [1, 2, 0, 3])   shape [OH, OW, N, Co]  (dy becomes the filter)
 * a stride-1 convolution of x' with f', dilated by the forward stride, gives [Ci, KH, KW, Co],
 * which one transpose turns into [KH, KW, Ci, Co]. That runs through XNNPACK (~11 GFLOP/s on one
 * core here). (Conv3DBackpropFilterV2 looked like a shortcut but gives wrong results at stride 2.)
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
import { conv2d, cropSpatial, release, transpose } from './wasm-ops.ts';

type Shape4 = [number, number, number, number];

export function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: KernelBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only; received '${dataFormat}'`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4, filterShape as Shape4, strides, 1, pad, dimRoundingMode, false, format,
  );
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Padding after the data so that the dilated "filter" (dy) fits exactly filterHeight times; it
  // is negative when a 'valid' conv ignored trailing rows, which are then cropped instead.
  const padBottom = (outHeight - 1) * strideHeight + filterHeight - inHeight - padTop;
  const padRight = (outWidth - 1) * strideWidth + filterWidth - inWidth - padLeft;

  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  const fitted = cropSpatial(backend, xT, [padTop, padBottom, padLeft, padRight]);
  const grad = conv2d(backend, fitted.x, dyT, fitted.pad, [1, 1], [strideHeight, strideWidth]);
  const out = transpose(backend, grad, [1, 2, 0, 3]);
  release(backend, xT, dyT, grad);
  if (fitted.owned) release(backend, fitted.x);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
