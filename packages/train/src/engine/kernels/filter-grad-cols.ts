/**
 * Conv2DBackpropFilter as one matrix product, for layers with very few input or output channels
 * (the AE's last Conv2D has 1 output channel, the faces VAE's last Conv2DTranspose 3 channels).
 * There the convolution forms of Conv2DBackpropFilter.ts feed XNNPACK a GEMM whose output has only
 * 1-3 columns or a few rows, which wastes most of its work (41 ms for 59 MFLOP on the AE).
 *
 * "x columns" (few input channels Ci):
 *   cols[(kh, kw, ci), (n, oh, ow)] = x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] (0 outside)
 *   dW = cols [KH*KW*Ci, N*OH*OW] x dy [N*OH*OW, Co]  -> [KH, KW, Ci, Co] directly.
 * "dy columns" (few output channels Co):
 *   cols[(kh, kw, co), (n, i, j)] = dy[n, (i + padTop - kh)/s, (j + padLeft - kw)/s, co] (0 unless whole and inside)
 *   dW' = cols [KH*KW*Co, N*H*W] x x [N*H*W, Ci]  -> [KH, KW, Co, Ci], then Ci and Co swap.
 * The big operand (dy or x) enters the product as it is (a free reshape); only the small one is
 * rearranged, in JS on the heap. Both are plain (untransposed) MatMuls, wasm's fast case.
 */
import type { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, makeOutput } from './stock.ts';
import { release, reshape, runWasm } from './wasm-ops.ts';

type ConvInfo = backend_util.Conv2DInfo;

/** Floats of the rearranged operand of each form; the caller picks the smaller one. */
export function colsSizes(info: ConvInfo): { x: number; dy: number } {
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  return { x: kh * kw * ci * n * oh * ow, dy: kh * kw * co * n * h * w };
}

function matMul(backend: KernelBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
  return runWasm(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
}

/**
 * x-columns form over batch chunks of `chunkImages` images (default: all): each chunk's columns and
 * the matching rows of dy make one product; the products are summed. Chunks keep the packed dy
 * (the product's right operand) in cache and bound the columns' memory.
 */
export function filterGradXCols(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, info: ConvInfo, chunkImages?: number): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const s = info.strideHeight;
  const t = info.strideWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const chunk = Math.max(1, Math.min(n, chunkImages ?? n));
  const rows = kh * kw * ci;
  const out = makeOutput(backend, [kh, kw, ci, co], 'float32');
  heapF32(backend, out).fill(0);
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const n1 = Math.min(n, n0 + chunk);
    const m = (n1 - n0) * oh * ow;
    const cols = makeOutput(backend, [1, rows, m], 'float32');
    const xs = heapF32(backend, x);
    const c = heapF32(backend, cols);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const rowBase = (a * kw + b) * ci * m;
        let col = 0;
        for (let img = n0; img < n1; img++) {
          for (let r = 0; r < oh; r++) {
            const i = r * s + a - pt;
            const rowInside = i >= 0 && i < h;
            for (let q = 0; q < ow; q++, col++) {
              const j = q * t + b - pl;
              if (!rowInside || j < 0 || j >= w) {
                for (let k = 0; k < ci; k++) c[rowBase + k * m + col] = 0;
              } else {
                const src = ((img * h + i) * w + j) * ci;
                for (let k = 0; k < ci; k++) c[rowBase + k * m + col] = xs[src + k]!;
              }
            }
          }
        }
      }
    }
    const dyPart = n0 === 0 && n1 === n ? reshape(backend, dy, [1, m, co]) : sliceRows(backend, dy, n0 * oh * ow * co, m, co);
    const product = matMul(backend, cols, dyPart); // [1, KH*KW*Ci, Co]
    release(backend, cols, dyPart);
    const o = heapF32(backend, out);
    const p = heapF32(backend, product);
    for (let i = 0; i < o.length; i++) o[i]! += p[i]!;
    release(backend, product);
  }
  return out;
}

/** Rows [start, start + m) of a row-major [*, width] float tensor, as a new [1, m, width] tensor. */
function sliceRows(backend: KernelBackend, x: TensorInfo, startFloat: number, m: number, width: number): TensorInfo {
  const out = makeOutput(backend, [1, m, width], 'float32');
  const src = heapF32(backend, x);
  heapF32(backend, out).set(src.subarray(startFloat, startFloat + m * width));
  return out;
}

export function filterGradDyCols(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const s = info.strideHeight;
  const t = info.strideWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const p = n * h * w;
  const cols = makeOutput(backend, [1, kh * kw * co, p], 'float32');
  const ds = heapF32(backend, dy);
  const c = heapF32(backend, cols);
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const rowBase = (a * kw + b) * co * p;
      let col = 0;
      for (let img = 0; img < n; img++) {
        for (let i = 0; i < h; i++) {
          const ri = i + pt - a;
          const r = ri / s;
          const rowOk = ri >= 0 && ri % s === 0 && r < oh;
          for (let j = 0; j < w; j++, col++) {
            const qj = j + pl - b;
            const q = qj / t;
            if (!rowOk || qj < 0 || qj % t !== 0 || q >= ow) {
              for (let k = 0; k < co; k++) c[rowBase + k * p + col] = 0;
            } else {
              const src = ((img * oh + r) * ow + q) * co;
              for (let k = 0; k < co; k++) c[rowBase + k * p + col] = ds[src + k]!;
            }
          }
        }
      }
    }
  }
  const x3 = reshape(backend, x, [1, p, ci]);
  const product = matMul(backend, cols, x3); // [1, KH*KW*Co, Ci]
  release(backend, cols, x3);
  const out = makeOutput(backend, [kh, kw, ci, co], 'float32');
  const src = heapF32(backend, product);
  const o = heapF32(backend, out);
  for (let tap = 0; tap < kh * kw; tap++) {
    for (let k = 0; k < co; k++) {
      for (let i = 0; i < ci; i++) o[(tap * ci + i) * co + k] = src[(tap * co + k) * ci + i]!;
    }
  }
  release(backend, product);
  return out;
}
