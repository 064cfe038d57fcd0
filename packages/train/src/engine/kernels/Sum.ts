/** Sum for the wasm backend: leading-axes float32 reductions without a transpose (reduce-leading.ts). */
import { Sum, type KernelBackend, type KernelConfig, type KernelFunc, type SumAttrs, type SumInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import { leadingSplit, reduceLeading } from './reduce-leading.ts';
import { runStock } from './stock.ts';

export function sum(args: { inputs: SumInputs; backend: KernelBackend; attrs: SumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const split = x.dtype === 'float32' ? leadingSplit(x.shape, attrs.axis) : null;
  if (!split) return runStock(Sum, args as never);
  return reduceLeading(backend, x, split, attrs.keepDims, 1);
}

export const sumConfig: KernelConfig = { kernelName: Sum, backendName: 'wasm', kernelFunc: sum as unknown as KernelFunc };
