/**
 * Small helpers that let our wasm kernels compose the backend's own kernels (Conv2D, Transpose,
 * Slice, ...) the way tfjs-backend-wasm's kernels call each other, without going through the engine
 * (which would record the intermediates on a gradient tape).
 *
 * Every helper returns a fresh TensorInfo owned by the caller; release it with `release()`.
 * Intermediates must be released: the wasm Conv2D caches one XNNPACK operator per filter id
 * and frees it only when that filter's data is disposed.
 */
import { getKernel, type KernelBackend, type TensorInfo, type NamedAttrMap } from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

export function runWasm(backend: KernelBackend, name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (kernel == null) {
    throw new Error(`wasm kernel ${name} is not registered: load @tensorflow/tfjs-backend-wasm before our kernels`);
  }
  // Concat takes its inputs as an array; the others as a name->tensor map. The kernel
  // function types are loose on purpose in tfjs (KernelFunc); we keep that boundary here.
  const out = kernel.kernelFunc({ inputs: inputs as never, attrs, backend });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs; expected one`);
  return out;
}

export function release(backend: KernelBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export function transpose(backend: KernelBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasm(backend, 'Transpose', { x }, { perm });
}

export function reshape(backend: KernelBackend, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasm(backend, 'Reshape', { x }, { shape });
}

export function reverse(backend: KernelBackend, x: TensorInfo, dims: number[]): TensorInfo {
  return runWasm(backend, 'Reverse', { x }, { dims });
}

export function concat(backend: KernelBackend, xs: TensorInfo[], axis: number): TensorInfo {
  return runWasm(backend, 'Concat', xs, { axis });
}

export function slice(backend: KernelBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return runWasm(backend, 'Slice', { x }, { begin, size });
}

/**
 * Plain stride-1 or strided NHWC convolution through wasm's XNNPACK Conv2D.
 * `pad` is explicit and non-negative: [top, bottom, left, right].
 */
export function conv2d(
  backend: KernelBackend,
  x: TensorInfo,
  filter: TensorInfo,
  pad: [number, number, number, number],
  strides: [number, number] = [1, 1],
  dilations: [number, number] = [1, 1],
): TensorInfo {
  const [top, bottom, left, right] = pad;
  return runWasm(backend, 'Conv2D', { x, filter }, {
    strides,
    dilations,
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
    dimRoundingMode: undefined as never,
  } as unknown as NamedAttrMap);
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor, so
 * that a following convolution needs only non-negative padding. Returns the input itself, with
 * `owned: false`, when nothing needs cropping; callers then pass the remaining padding to the conv.
 */
export function cropSpatial(
  backend: KernelBackend,
  x: TensorInfo,
  pad: [number, number, number, number],
): { x: TensorInfo; pad: [number, number, number, number]; owned: boolean } {
  const crop = pad.map((p) => (p < 0 ? -p : 0));
  if (crop.every((c) => c === 0)) return { x, pad, owned: false };
  const [n, h, w, c] = x.shape as Shape4;
  const [ct, cb, cl, cr] = crop;
  const cropped = slice(backend, x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]);
  return { x: cropped, pad: pad.map((p) => Math.max(p, 0)) as [number, number, number, number], owned: true };
}
