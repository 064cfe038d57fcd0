/**
 * The stock tfjs-backend-wasm kernels that ours replace, kept so ours can hand the cases they do
 * not speed up (other dtypes, other axes) back to them. register.ts records them before replacing.
 */
import type { KernelBackend, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const stock = new Map<string, KernelConfig>();

export function rememberStock(config: KernelConfig): void {
  if (!stock.has(config.kernelName)) stock.set(config.kernelName, config);
}

export function runStock(name: string, args: { inputs: unknown; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo {
  const config = stock.get(name);
  if (!config) throw new Error(`no stock wasm kernel ${name} to fall back to`);
  return config.kernelFunc({ inputs: args.inputs as never, backend: args.backend, attrs: args.attrs ?? {} }) as TensorInfo;
}

/** A float32 view of a tensor's data inside the wasm heap (valid until the heap grows). */
export function heapF32(backend: KernelBackend, info: TensorInfo): Float32Array {
  return (backend as BackendWasm).typedArrayFromHeap(info) as Float32Array;
}

export function makeOutput(backend: KernelBackend, shape: number[], dtype: 'float32'): TensorInfo {
  return (backend as BackendWasm).makeOutput(shape, dtype);
}
