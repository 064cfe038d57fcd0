/**
 * Tile for the wasm backend (float32): the stock kernel computes each output element's source
 * index one by one (~800 ms a faces-VAE step, from BatchNorm's gradient tiling a [1,1,1,C] vector
 * to the activations' shape). Here the innermost axis is written once and every outer axis is
 * replicated with copyWithin (memmove).
 */
import { Tile, util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo, type TileAttrs, type TileInputs } from '@tensorflow/tfjs-core';
import { heapF32, makeOutput, runStock } from './stock.ts';

export function tile(args: { inputs: TileInputs; backend: KernelBackend; attrs: TileAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const { reps } = attrs;
  if (x.dtype !== 'float32' || x.shape.length === 0) return runStock(Tile, args as never);
  const rank = x.shape.length;
  const outShape = x.shape.map((s, i) => s * reps[i]!);
  const out = makeOutput(backend, outShape, 'float32');
  if (util.sizeFromShape(outShape) === 0) return out;
  const xs = heapF32(backend, x);
  const o = heapF32(backend, out);
  const xStrides = [...util.computeStrides(x.shape), 1];
  const oStrides = [...util.computeStrides(outShape), 1];

  // Writes the tile block of x[xOff..] along axes >= axis at o[oOff..], replicated reps times.
  const fill = (axis: number, oOff: number, xOff: number): void => {
    const n = x.shape[axis]!;
    if (axis === rank - 1) {
      const row = xs.subarray(xOff, xOff + n);
      for (let r = 0; r < reps[axis]!; r++) o.set(row, oOff + r * n);
      return;
    }
    for (let i = 0; i < n; i++) fill(axis + 1, oOff + i * oStrides[axis]!, xOff + i * xStrides[axis]!);
    const block = n * oStrides[axis]!;
    for (let r = 1; r < reps[axis]!; r++) o.copyWithin(oOff + r * block, oOff, oOff + block);
  };
  fill(0, 0, 0);
  return out;
}

export const tileConfig: KernelConfig = { kernelName: Tile, backendName: 'wasm', kernelFunc: tile as unknown as KernelFunc };
