/**
 * ReLU's gradient as TensorFlow's own ReluGrad op: one kernel, dy where x > 0, else 0.
 * tfjs's formula is dy * step(x), and tfjs-node's Step kernel alone runs six TensorFlow ops
 * (IsNan, Greater, OnesLike, Fill, two Selects) over the whole activation: in an AE step the
 * ReLU gradients cost about as much as a convolution's backprop.
 *
 * Same values as tfjs's formula for every finite x (both give dy for x > 0 and 0 for x <= 0);
 * for NaN x tfjs gives NaN, TensorFlow 0 (a NaN activation has already broken training).
 */
import { engine, Relu, type KernelConfig, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeGradient } from './dispatch.ts';
import { typeAttr, type TfBackend } from './tf-ops.ts';

/** Inputs { dy, x }: the incoming gradient and Relu's input, same shape. Output: same shape. */
export const ReluGrad = 'ReluGrad';

export const reluGradKernel: KernelConfig = {
  kernelName: ReluGrad,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const b = backend as TfBackend;
    return b.executeSingleOutput('ReluGrad', [typeAttr(b, x.dtype)], [dy, x]);
  },
};

export const reluNativeGradient: NativeGradient = {
  kernelName: Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => engine().runKernel(ReluGrad, { dy, x: x! }) as Tensor }),
};
