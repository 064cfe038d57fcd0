/**
 * Typed access to what tfjs-node's 'tensorflow' backend exposes beyond tfjs's KernelBackend: running
 * any TensorFlow op by name through its TFE_Execute binding (nodejs_kernel_backend.js's
 * executeSingleOutput / executeMultipleOutputs). This is how our kernels reach TensorFlow's own
 * gradient ops (ReluGrad, LeakyReluGrad, SigmoidGrad, ...), which tfjs's kernel set does not include.
 */
import type { DataType, KernelBackend, Tensor, TensorInfo } from '@tensorflow/tfjs-core';

/** One op attribute as tfjs-node's binding takes it ({ name, type: TF_ATTR_*, value }). */
export interface TfOpAttr {
  name: string;
  type: number;
  value: unknown;
}

interface Binding {
  TF_ATTR_TYPE: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
  TF_ATTR_INT: number;
  TF_ATTR_SHAPE: number;
  TF_FLOAT: number;
  TF_INT32: number;
}

/** The 'tensorflow' backend as far as our kernels use it. */
export interface TfBackend extends KernelBackend {
  binding: Binding;
  executeSingleOutput(name: string, attrs: TfOpAttr[], inputs: TensorInfo[]): Tensor;
  executeMultipleOutputs(name: string, attrs: TfOpAttr[], inputs: TensorInfo[], numOutputs: number): Tensor[];
}

/** The `T` attribute (element type) most TensorFlow ops take. float32 and int32 only (all we use). */
export function typeAttr(backend: TfBackend, dtype: DataType, name = 'T'): TfOpAttr {
  const value = dtype === 'float32' ? backend.binding.TF_FLOAT : dtype === 'int32' ? backend.binding.TF_INT32 : undefined;
  if (value === undefined) throw new Error(`native kernels: dtype ${dtype} is not supported (float32 or int32)`);
  return { name, type: backend.binding.TF_ATTR_TYPE, value };
}

export function floatAttr(backend: TfBackend, name: string, value: number): TfOpAttr {
  return { name, type: backend.binding.TF_ATTR_FLOAT, value };
}
