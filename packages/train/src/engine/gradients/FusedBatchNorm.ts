/**
 * FusedBatchNorm's gradient with two full-size elementwise products and two reductions, instead of
 * tfjs's ~9 products (several broadcasting a [C] vector, slow on wasm), a Tile and 4 reductions.
 * BatchNorm's backward pass was ~40% of a faces-VAE step on wasm.
 *
 * y = (x - mean) * r * scale + offset with r = 1 / sqrt(variance + eps); mean and variance are
 * inputs (tfjs-layers computes them with moments(), whose own gradient carries on from here):
 *   dx       = dy * (scale r)
 *   doffset  = sum dy
 *   dscale   = r * S,                    S = sum dy (x - mean) = sum(dy x) - mean sum(dy)
 *   dmean    = -scale r sum(dy)
 *   dvariance = -0.5 scale r^3 S
 * (sums over the axes `mean` is broadcast along). Same values as tfjs's formula up to float32
 * rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FusedBatchNorm, type FusedBatchNormAttrs, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

export const fusedBatchNormGradConfig: GradConfig = {
  kernelName: FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const dy = dyIn as Tensor;
    const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
    const [x, mean, variance, scaleIn] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    const scale = scaleIn ?? tf.scalar(1);
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: Tensor) => tf.reshape(axes.length ? tf.sum(t, axes) : t, mean.shape);
    const r = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const scaleR = tf.mul(scale, r);
    // Shared by several derivatives, so computed here: tfjs runs each derivative below in its own
    // tidy scope, which would dispose a value cached by the first one that asked.
    const sumDy = reduce(dy);
    const s = tf.sub(reduce(tf.mul(dy, x)), tf.mul(mean, sumDy));
    return {
      x: () => tf.reshape(tf.mul(dy, scaleR), x.shape),
      mean: () => tf.reshape(tf.neg(tf.mul(scaleR, sumDy)), mean.shape),
      variance: () => tf.reshape(tf.mul(tf.mul(tf.mul(scaleR, tf.square(r)), -0.5), s), mean.shape),
      scale: () => tf.reshape(tf.mul(r, s), mean.shape),
      offset: () => tf.reshape(sumDy, mean.shape),
    };
  },
};
