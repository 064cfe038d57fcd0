/**
 * Sigmoid's gradient as TensorFlow's own SigmoidGrad op: dy * y * (1 - y) in one kernel instead of
 * tfjs's three (Sub, two Multiplies) over the decoder's whole output. Same formula, float32 noise.
 */
import { engine, Sigmoid, type KernelConfig, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeGradient } from './dispatch.ts';
import { typeAttr, type TfBackend } from './tf-ops.ts';

/** Inputs { y, dy }: Sigmoid's output and the incoming gradient, same shape. */
export const SigmoidGrad = 'SigmoidGrad';

export const sigmoidGradKernel: KernelConfig = {
  kernelName: SigmoidGrad,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend }) => {
    const { y, dy } = inputs as { y: TensorInfo; dy: TensorInfo };
    const b = backend as TfBackend;
    return b.executeSingleOutput('SigmoidGrad', [typeAttr(b, y.dtype)], [y, dy]);
  },
};

export const sigmoidNativeGradient: NativeGradient = {
  kernelName: Sigmoid,
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({ x: () => engine().runKernel(SigmoidGrad, { y: y!, dy }) as Tensor }),
};
