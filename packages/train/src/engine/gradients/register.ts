/**
 * Our gradient formulas, replacing tfjs's for the kernels where the stock formula is slow on wasm.
 * Gradients are registered per kernel, not per backend, so these apply to every backend; they give
 * the same values as tfjs's up to float32 rounding (tested against them on the cpu backend).
 */
import { getGradient, registerGradient, type GradConfig } from '@tensorflow/tfjs-core';
import { fusedBatchNormGradConfig } from './FusedBatchNorm.ts';
import { leakyReluGradConfig } from './LeakyRelu.ts';

export const trainingGradients: readonly GradConfig[] = [fusedBatchNormGradConfig, leakyReluGradConfig];

const stock = new Map<string, GradConfig>();

export function registerTrainingGradients(): string[] {
  for (const config of trainingGradients) {
    const existing = getGradient(config.kernelName);
    if (existing === config) continue;
    if (existing && !stock.has(config.kernelName)) stock.set(config.kernelName, existing);
    registerGradient(config);
  }
  return trainingGradients.map((c) => c.kernelName);
}

/** Runs `fn` (sync or async) with tfjs's own gradients back in place (tests compare against them). */
export async function withStockGradients<T>(fn: () => T | Promise<T>): Promise<T> {
  for (const config of stock.values()) registerGradient(config);
  try {
    return await fn();
  } finally {
    for (const config of trainingGradients) registerGradient(config);
  }
}
