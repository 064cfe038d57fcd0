/**
 * One Adam update of one weight as TensorFlow's own ResourceApplyAdam op, the kernel Keras's Adam
 * runs: TensorFlow's formula is the one training/adam.ts computes (Keras 2.11+ / Keras 3):
 *   lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m += (g - m)(1 - beta1);  v += (g^2 - v)(1 - beta2);  w -= lr_t m / (sqrt(v) + epsilon)
 * in one pass, where tfjs's ops take ~12 kernels and ~5 scalar uploads per weight.
 *
 * ResourceApplyAdam updates resource variables in place, which tfjs tensors are not: the kernel
 * loads w, m and v into three scratch resource variables (AssignVariableOp), applies the update and
 * reads them back (ReadVariableOp): 7 TensorFlow ops, inputs untouched (TensorFlow copies a buffer
 * another tensor still holds before updating it). Scratch variables are reused per weight shape
 * (updates run one after another) and live as long as the process.
 *
 * Kernel inputs { w, g, m, v } (same shape, float32); attrs { lr, beta1, beta2, epsilon,
 * beta1Power, beta2Power } (beta^t for the step being applied). Outputs [w', m', v'].
 */
import { keep, scalar, type KernelConfig, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { TfBackend, TfOpAttr } from './tf-ops.ts';
import { typeAttr } from './tf-ops.ts';

export const ResourceApplyAdam = 'ResourceApplyAdam';

export interface ResourceApplyAdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  beta1Power: number;
  beta2Power: number;
}

/** shape key -> [w, m, v] scratch resource handles. */
const scratch = new Map<string, [Tensor, Tensor, Tensor]>();
let nextId = 0;

function handles(b: TfBackend, shape: number[]): [Tensor, Tensor, Tensor] {
  const key = shape.join('x');
  let h = scratch.get(key);
  if (h === undefined) {
    const make = () =>
      keep(
        b.executeSingleOutput('VarHandleOp', [
          typeAttr(b, 'float32', 'dtype'),
          { name: 'shape', type: b.binding.TF_ATTR_SHAPE, value: shape },
          { name: 'container', type: b.binding.TF_ATTR_STRING, value: '' },
          // Unique per process: resource variables with the same shared_name are the same variable.
          { name: 'shared_name', type: b.binding.TF_ATTR_STRING, value: `latentkit_adam_${process.pid}_${nextId++}` },
        ], []),
      );
    h = [make(), make(), make()];
    scratch.set(key, h);
  }
  return h;
}

/**
 * Scalars are inputs of ResourceApplyAdam. The hyperparameters recur for every weight and step: one
 * tensor each, kept. beta^t changes every step but is the same for all weights of a step: one slot
 * per input, replaced when the value changes (so the number of live tensors does not grow).
 */
const constants = new Map<number, Tensor>();
function constant(x: number): Tensor {
  let s = constants.get(x);
  if (s === undefined) {
    s = keep(scalar(x, 'float32'));
    constants.set(x, s);
  }
  return s;
}
const slots = new Map<string, { value: number; tensor: Tensor }>();
function perStep(slot: string, x: number): Tensor {
  const s = slots.get(slot);
  if (s && s.value === x) return s.tensor;
  s?.tensor.dispose();
  const tensor = keep(scalar(x, 'float32'));
  slots.set(slot, { value: x, tensor });
  return tensor;
}

export const resourceApplyAdamKernel: KernelConfig = {
  kernelName: ResourceApplyAdam,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { w, g, m, v } = inputs as { w: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
    const a = attrs as unknown as ResourceApplyAdamAttrs;
    const b = backend as TfBackend;
    const dtype: TfOpAttr = typeAttr(b, 'float32', 'dtype');
    const [hw, hm, hv] = handles(b, w.shape);
    b.executeMultipleOutputs('AssignVariableOp', [dtype], [hw, w], 0);
    b.executeMultipleOutputs('AssignVariableOp', [dtype], [hm, m], 0);
    b.executeMultipleOutputs('AssignVariableOp', [dtype], [hv, v], 0);
    const flag = (name: string) => ({ name, type: b.binding.TF_ATTR_BOOL, value: false });
    b.executeMultipleOutputs(
      'ResourceApplyAdam',
      [typeAttr(b, 'float32'), flag('use_locking'), flag('use_nesterov')],
      [hw, hm, hv, perStep('beta1Power', a.beta1Power), perStep('beta2Power', a.beta2Power), constant(a.lr), constant(a.beta1), constant(a.beta2), constant(a.epsilon), g],
      0,
    );
    return [hw, hm, hv].map((h) => b.executeSingleOutput('ReadVariableOp', [dtype], [h]));
  },
};
