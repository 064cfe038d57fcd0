/**
 * LeakyReLU's gradient as TensorFlow's own LeakyReluGrad op: one kernel, dy where x > 0, else
 * alpha * dy. tfjs's formula (and our wasm one, dy * step(x, alpha)) runs Step, which is six
 * TensorFlow ops on tfjs-node. Same values for every finite x.
 */
import { engine, LeakyRelu, type KernelConfig, type LeakyReluAttrs, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeGradient } from './dispatch.ts';
import { floatAttr, typeAttr, type TfBackend } from './tf-ops.ts';

/** Inputs { dy, x } (LeakyRelu's input), attribute alpha (the negative slope). */
export const LeakyReluGrad = 'LeakyReluGrad';

export const leakyReluGradKernel: KernelConfig = {
  kernelName: LeakyReluGrad,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const { alpha } = attrs as unknown as LeakyReluAttrs;
    const b = backend as TfBackend;
    return b.executeSingleOutput('LeakyReluGrad', [typeAttr(b, x.dtype), floatAttr(b, 'alpha', alpha)], [dy, x]);
  },
};

export const leakyReluNativeGradient: NativeGradient = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({
    x: () => engine().runKernel(LeakyReluGrad, { dy, x: x! }, { alpha: (attrs as unknown as LeakyReluAttrs).alpha }) as Tensor,
  }),
};
