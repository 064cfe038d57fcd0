/** Mean for the wasm backend: leading-axes float32 reductions without a transpose (reduce-leading.ts). */
import { Mean, type KernelBackend, type KernelConfig, type KernelFunc, type MeanAttrs, type MeanInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import { leadingSplit, reduceLeading } from './reduce-leading.ts';
import { runStock } from './stock.ts';

export function mean(args: { inputs: MeanInputs; backend: KernelBackend; attrs: MeanAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const split = x.dtype === 'float32' ? leadingSplit(x.shape, attrs.axis) : null;
  if (!split) return runStock(Mean, args as never);
  return reduceLeading(backend, x, split, attrs.keepDims, 1 / split.outer);
}

export const meanConfig: KernelConfig = { kernelName: Mean, backendName: 'wasm', kernelFunc: mean as unknown as KernelFunc };
