/** Weight re-layouts done at export time (Keras kernels -> ONNX kernels). */
import type { WeightTensor } from './converter.ts';

/** Transpose an n-d array: out.shape[i] = shape[perm[i]]. */
export function permute(w: WeightTensor, perm: number[]): WeightTensor {
  const { shape, data } = w;
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * strides[i];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return { shape: outShape, data: out };
}

/** Conv2D kernel: Keras [kh, kw, in, out] -> ONNX Conv W [out, in, kh, kw]. */
export const convKernel = (w: WeightTensor) => permute(w, [3, 2, 0, 1]);
/** Conv2DTranspose kernel: Keras [kh, kw, out, in] -> ONNX ConvTranspose W [in, out, kh, kw]. */
export const convTransposeKernel = (w: WeightTensor) => permute(w, [3, 2, 0, 1]);
/** DepthwiseConv2D kernel: Keras [kh, kw, in, mult] -> ONNX grouped Conv W [in * mult, 1, kh, kw] (channel c * mult + m). */
export const depthwiseKernel = (w: WeightTensor): WeightTensor => {
  const [kh, kw, cin, mult] = w.shape;
  return { shape: [cin * mult, 1, kh, kw], data: permute(w, [2, 3, 0, 1]).data };
};
