/**
 * BatchNormalization in training mode as TensorFlow's own FusedBatchNormV3 (is_training) and
 * FusedBatchNormGradV3, the two kernels Keras runs. tfjs-layers computes it as moments() (Mean, Sub,
 * Square, Mean) and an inference-style FusedBatchNorm, and differentiates through all of them: ~5
 * full-size passes forward and ~10 backward per layer, most of a faces-VAE step.
 *
 * Kernels (backend 'tensorflow', NHWC, float32, normalised over all axes but the last):
 *   FusedBatchNormV3     inputs { x, scale, offset }, attr epsilon
 *                        -> [y, batchMean, batchVariance (biased, as tfjs-layers and Keras use it),
 *                            reserve1, reserve2, reserve3]
 *   FusedBatchNormGradV3 inputs { dy, x, scale, reserve1, reserve2, reserve3 }, attr epsilon
 *                        -> [dx, dscale, doffset]
 * TensorFlow's batch_variance output is Bessel-corrected (n / (n - 1)); the kernel returns the
 * biased one, var * (n - 1) / n, which is what moments() gives.
 */
import { customGrad, engine, keep, tensor1d, type GradSaveFunc, type KernelConfig, type Tensor, type Tensor1D, type Tensor4D, type TensorInfo } from '@tensorflow/tfjs-core';
import { floatAttr, typeAttr, type TfBackend, type TfOpAttr } from './tf-ops.ts';

export const FusedBatchNormV3 = 'FusedBatchNormV3';
export const FusedBatchNormGradV3 = 'FusedBatchNormGradV3';

function attrs(b: TfBackend, epsilon: number): TfOpAttr[] {
  return [
    typeAttr(b, 'float32'),
    typeAttr(b, 'float32', 'U'),
    floatAttr(b, 'epsilon', epsilon),
    { name: 'data_format', type: b.binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: b.binding.TF_ATTR_BOOL, value: true },
  ];
}

export const fusedBatchNormV3Kernel: KernelConfig = {
  kernelName: FusedBatchNormV3,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs: a }) => {
    const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
    const b = backend as TfBackend;
    const empty = tensor1d([], 'float32');
    const opAttrs = [...attrs(b, (a as { epsilon: number }).epsilon), floatAttr(b, 'exponential_avg_factor', 1)];
    const [y, mean, unbiased, r1, r2, r3] = b.executeMultipleOutputs('FusedBatchNormV3', opAttrs, [x, scale, offset, empty, empty], 6);
    empty.dispose();
    const n = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
    const factor = tensor1d([n > 1 ? (n - 1) / n : 1], 'float32');
    const variance = b.executeSingleOutput('Mul', [typeAttr(b, 'float32')], [unbiased!, factor]);
    factor.dispose();
    unbiased!.dispose();
    return [y!, mean!, variance, r1!, r2!, r3!];
  },
};

export const fusedBatchNormGradV3Kernel: KernelConfig = {
  kernelName: FusedBatchNormGradV3,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs: a }) => {
    const { dy, x, scale, reserve1, reserve2, reserve3 } = inputs as Record<string, TensorInfo>;
    const b = backend as TfBackend;
    const [dx, dscale, doffset, r4, r5] = b.executeMultipleOutputs('FusedBatchNormGradV3', attrs(b, (a as { epsilon: number }).epsilon), [dy!, x!, scale!, reserve1!, reserve2!, reserve3!], 5);
    r4!.dispose();
    r5!.dispose();
    return [dx!, dscale!, doffset!];
  },
};

/**
 * y = gamma (x - mean) / sqrt(var + epsilon) + beta over the batch statistics of x ([n, h, w, c]),
 * differentiable in x, gamma and beta; also returns the batch mean and biased variance ([c]),
 * which the caller disposes (they are kept: not part of any tidy scope).
 */
export function batchNormTraining(x: Tensor4D, gamma: Tensor1D, beta: Tensor1D, epsilon: number): { y: Tensor4D; mean: Tensor1D; variance: Tensor1D } {
  let stats: Tensor[] = [];
  const f = customGrad(((xx: Tensor, g: Tensor, bb: Tensor, save: GradSaveFunc) => {
    const [y, mean, variance, r1, r2, r3] = engine().runKernel(FusedBatchNormV3, { x: xx, scale: g, offset: bb }, { epsilon }) as Tensor[];
    save([xx, g, r1!, r2!, r3!]);
    // customGrad runs this in a tidy that keeps only `value`: keep the statistics for the caller.
    stats = [keep(mean!), keep(variance!)];
    return {
      value: y!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sg, s1, s2, s3] = saved;
        return engine().runKernel(FusedBatchNormGradV3, { dy, x: sx!, scale: sg!, reserve1: s1!, reserve2: s2!, reserve3: s3! }, { epsilon }) as Tensor[];
      },
    };
  }) as unknown as Parameters<typeof customGrad>[0]);
  const y = f(x, gamma, beta) as Tensor4D;
  return { y, mean: stats[0] as Tensor1D, variance: stats[1] as Tensor1D };
}
