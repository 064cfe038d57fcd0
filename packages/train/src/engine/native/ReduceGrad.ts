/**
 * The gradients of Sum and Mean as one broadcast (TensorFlow's Tile, through tf.broadcastTo) of the
 * incoming gradient, as TensorFlow's own SumGrad/MeanGrad do. tfjs's formulas multiply by
 * ones(x.shape), which tfjs-node builds as a full-size array in JavaScript and uploads, then runs a
 * full-size Multiply (and, for Mean, a full-size RealDiv). In the faces VAE, whose BatchNorm layers
 * take two means each over [batch, h, w] in training, these were ~30% of a step.
 *
 * Bitwise the same values: tfjs gives (dy * 1) / n per element, this gives dy / n broadcast.
 */
import { backend_util, broadcastTo, div, Mean, reshape, Sum, util, type MeanAttrs, type SumAttrs, type Tensor } from '@tensorflow/tfjs-core';
import type { NativeGradient } from './dispatch.ts';

/** dy reshaped to x's rank (reduced axes kept as 1), divided by `divisor` if given, broadcast to x. */
function broadcastBack(dy: Tensor, x: Tensor, axis: number | number[], mean: boolean): Tensor {
  const axes = util.parseAxisParam(axis, x.shape);
  const kept = x.shape.slice();
  for (const a of axes) kept[a] = 1;
  const n = util.sizeFromShape(backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
  const small = reshape(mean ? div(dy, n) : dy, kept);
  return broadcastTo(small, x.shape);
}

export const sumNativeGradient: NativeGradient = {
  kernelName: Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => broadcastBack(dy, x!, (attrs as unknown as SumAttrs).axis, false) }),
};

export const meanNativeGradient: NativeGradient = {
  kernelName: Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => broadcastBack(dy, x!, (attrs as unknown as MeanAttrs).axis, true) }),
};
