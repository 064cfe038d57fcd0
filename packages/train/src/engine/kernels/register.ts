/**
 * Registers our kernels for the 'wasm' backend, replacing stock ones where those exist
 * (the stock Conv2DBackpropInput is a scalar loop). Idempotent. The one place that lists them,
 * like tfjs-backend-wasm's register_all_kernels.ts.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.ts';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.ts';

export const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
];

const registered = new WeakSet<KernelConfig>();

export function registerWasmTrainingKernels(): string[] {
  const names: string[] = [];
  for (const config of wasmTrainingKernels) {
    names.push(config.kernelName);
    if (registered.has(config)) continue;
    if (getKernel(config.kernelName, config.backendName) != null) {
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
    registered.add(config);
  }
  return names;
}
