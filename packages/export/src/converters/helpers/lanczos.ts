/**
 * TensorFlow's Lanczos resize as a matrix. `tf.image.resize(method='lanczos3'|'lanczos5',
 * antialias=False)` (what Keras 3's UpSampling2D calls through `ops.image.resize`) is TF's
 * ScaleAndTranslate op: each output pixel x samples the input at s = (x + 0.5) / scale and takes the
 * input pixels j in [ceil(s - r - 0.5), floor(s + r - 0.5)] (clamped to the image) with weights
 * lanczos_r(j + 0.5 - s), divided by their sum (tensorflow/core/kernels/image/
 * scale_and_translate_op.cc ComputeSpansCore; the kernel in sampling_kernels.h LanczosKernelFunc:
 * 1 for |x| <= 1e-3, 0 beyond r, else r sin(pi x) sin(pi x / r) / (pi^2 x^2)). Separable, so a
 * resize of H and W is two fixed matrices: ONNX Resize has no Lanczos filter, MatMul computes it.
 */

/** TF's LanczosKernelFunc (its pi is the float 3.14159265359). */
function lanczos(radius: number, x: number): number {
  const pi = 3.14159265359;
  x = Math.abs(x);
  if (x > radius) return 0;
  if (x <= 1e-3) return 1;
  return (radius * Math.sin(pi * x) * Math.sin((pi * x) / radius)) / (pi * pi * x * x);
}

/**
 * The [outSize, inSize] matrix (row-major) of a Lanczos resize along one axis, without antialiasing
 * (TF's kernel_scale 1), as ScaleAndTranslate computes it with translation 0.
 * @throws RangeError for sizes below 1 or a radius other than 3 or 5.
 */
export function lanczosMatrix(inSize: number, outSize: number, radius: 3 | 5): Float32Array {
  if (!(inSize >= 1 && outSize >= 1) || (radius !== 3 && radius !== 5)) throw new RangeError(`lanczosMatrix: sizes ${inSize} -> ${outSize}, radius ${radius}`);
  const m = new Float32Array(outSize * inSize);
  const scale = outSize / inSize;
  for (let x = 0; x < outSize; x++) {
    const sample = (x + 0.5) / scale;
    if (sample < 0 || sample > inSize) continue; // TF leaves such a pixel empty (never for upsampling)
    const start = Math.min(Math.max(Math.ceil(sample - radius - 0.5), 0), inSize - 1);
    const end = Math.min(Math.max(Math.floor(sample + radius - 0.5), 0), inSize - 1) + 1;
    let total = 0;
    for (let j = start; j < end; j++) total += lanczos(radius, j + 0.5 - sample);
    // TF normalizes unless the sum is ~0 (1000 * FLT_MIN).
    const norm = Math.abs(total) >= 1000 * 1.1754943508222875e-38 ? 1 / total : 1;
    for (let j = start; j < end; j++) m[x * inSize + j] = lanczos(radius, j + 0.5 - sample) * norm;
  }
  return m;
}
