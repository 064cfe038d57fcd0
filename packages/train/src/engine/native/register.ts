/**
 * Our kernels and gradients for the native engine (tfjs-node's 'tensorflow' backend): the
 * gradients of ReLU, LeakyReLU and Sigmoid as TensorFlow's own gradient ops, those of Sum and Mean
 * as one broadcast, BatchNormalization in training mode as FusedBatchNormV3 / FusedBatchNormGradV3,
 * Adam's update as
 * TensorFlow's ResourceApplyAdam (training/adam.ts uses it where registered), and the leaner
 * BatchNorm gradient formula the wasm engine uses. Called by the native loader in engines.ts after
 * setBackend('tensorflow'); idempotent.
 *
 * Gradients are global in tfjs, so each native one wraps the gradient it replaces (dispatch.ts):
 * the wasm and cpu backends in the same process keep computing exactly what they did.
 */
import { getGradient, getKernel, registerGradient, registerKernel, type GradConfig, type KernelConfig } from '@tensorflow/tfjs-core';
import { registerTrainingGradients } from '../gradients/register.ts';
import { nativeBatchNorm, wrapBatchNormalization } from './BatchNormalization.ts';
import { compatible, dispatchGradient, type NativeGradient } from './dispatch.ts';
import { fusedBatchNormGradV3Kernel, fusedBatchNormV3Kernel } from './FusedBatchNormV3.ts';
import { leakyReluGradKernel, leakyReluNativeGradient } from './LeakyReluGrad.ts';
import { reluGradKernel, reluNativeGradient } from './ReluGrad.ts';
import { meanNativeGradient, sumNativeGradient } from './ReduceGrad.ts';
import { resourceApplyAdamKernel } from './ResourceApplyAdam.ts';
import { sigmoidGradKernel, sigmoidNativeGradient } from './SigmoidGrad.ts';

export const nativeKernels: readonly KernelConfig[] = [reluGradKernel, leakyReluGradKernel, sigmoidGradKernel, resourceApplyAdamKernel, fusedBatchNormV3Kernel, fusedBatchNormGradV3Kernel];
export const nativeGradients: readonly NativeGradient[] = [reluNativeGradient, leakyReluNativeGradient, sigmoidNativeGradient, sumNativeGradient, meanNativeGradient];

/** kernel name -> [our dispatching config, the config it wraps]. */
const installed = new Map<string, [GradConfig, GradConfig]>();

/**
 * Registers the kernels and gradients above. Returns the names of the kernels whose gradients now
 * run natively (a gradient is skipped, with its name left out, if the one it would wrap saves
 * different tensors than ours reads).
 */
export function registerNativeTrainingKernels(): string[] {
  for (const k of nativeKernels) {
    if (!getKernel(k.kernelName, k.backendName)) registerKernel(k);
  }
  // Backend-neutral and tested equal to tfjs's: the BatchNorm gradient with fewer ops (for the
  // BatchNormalization calls the fused path below does not take, e.g. after Dense layers).
  registerTrainingGradients();
  wrapBatchNormalization();
  const names: string[] = [];
  for (const native of nativeGradients) {
    const current = getGradient(native.kernelName);
    const mine = installed.get(native.kernelName);
    if (mine && current === mine[0]) {
      names.push(native.kernelName);
      continue;
    }
    if (!current || !compatible(native, current)) continue;
    const config = dispatchGradient(native, current);
    installed.set(native.kernelName, [config, current]);
    registerGradient(config);
    names.push(native.kernelName);
  }
  return names;
}

/** Runs `fn` with the gradients ours wrap back in place and tfjs-layers' own BatchNormalization (tests compare against them). */
export async function withoutNativeGradients<T>(fn: () => T | Promise<T>): Promise<T> {
  const active = [...installed.values()].filter(([mine, _]) => getGradient(mine.kernelName) === mine);
  for (const [, wrapped] of active) registerGradient(wrapped);
  const bn = nativeBatchNorm.enabled;
  nativeBatchNorm.enabled = false;
  try {
    return await fn();
  } finally {
    nativeBatchNorm.enabled = bn;
    for (const [mine] of active) registerGradient(mine);
  }
}
