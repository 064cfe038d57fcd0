/**
 * Registers our kernels for the 'wasm' backend, replacing stock ones where those exist (the stock
 * Conv2DBackpropInput is a scalar loop; Sum, Mean and Tile are slow for the shapes training uses).
 * Call it after the wasm backend has initialised, so the stock kernels' setup functions have run and
 * ours can fall back to them. Idempotent. The one place that lists them, like tfjs-backend-wasm's
 * register_all_kernels.ts.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.ts';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.ts';
import { meanConfig } from './Mean.ts';
import { rememberStock } from './stock.ts';
import { sumConfig } from './Sum.ts';
import { tileConfig } from './Tile.ts';

export const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  sumConfig,
  meanConfig,
  tileConfig,
];

export function registerWasmTrainingKernels(): string[] {
  for (const config of wasmTrainingKernels) {
    const existing = getKernel(config.kernelName, config.backendName);
    if (existing === config) continue;
    if (existing != null) {
      rememberStock(existing);
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
  return wasmTrainingKernels.map((c) => c.kernelName);
}
