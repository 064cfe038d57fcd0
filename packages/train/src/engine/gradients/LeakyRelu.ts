/**
 * LeakyRelu's gradient as dy * step(x, alpha), where step(x, alpha) = x > 0 ? 1 : alpha: two
 * elementwise kernels. tfjs's own is where(greater(x, 0), dy, dy * alpha): three, and wasm's
 * Greater against a scalar and Select are slow (~100 ms of a faces-VAE step at batch 32).
 * Identical values: both give dy for x > 0 and alpha * dy otherwise.
 */
import { LeakyRelu, mul, step, type GradConfig, type LeakyReluAttrs, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

export const leakyReluGradConfig: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as LeakyReluAttrs;
    return { x: () => mul(dy as Tensor, step(x!, alpha)) };
  },
};
