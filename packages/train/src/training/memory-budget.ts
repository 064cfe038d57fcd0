/**
 * How many images one gradient computation may take at once, so that a training step's tensors stay
 * within a memory budget. In eager TensorFlow.js (every engine), `variableGrads` keeps every forward
 * activation the backward pass needs and every gradient it computes until the step's tidy scope ends:
 * the step's peak is several copies of all activations of the batch. Measured with `tf.profile` on the
 * native engine (tfjs-node on TensorFlow 2.21) for a VAE spec at 64x64x3, filters 32,64,128, z 16:
 * 1,093 MB of tensors at batch 128 (process RSS 1.55 GB), 564 MB at micro-batches of 64 (RSS
 * 1.04 GB); that is ~7.1 float32 copies of every conv layer's output per image. The split step was
 * not slower: median 951 ms against 1,146 ms in one piece per batch of 128, interleaved in one
 * process (load ~8).
 *
 * A batch larger than the budget is split into micro-batches (step.ts: gradients accumulated, one
 * Adam update per batch). Without BatchNormalization that gives the batch's own gradient (the loss
 * is a mean over images; equal up to float32 summation order, step.test.ts), so the split is only
 * made for specs with `norm: 'none'`: with BatchNorm each micro-batch would normalise with its own
 * statistics, a different model, which the user must ask for (`--micro-batch`).
 */
import type { ModelSpec } from '@latentkit/format';

/** Float32 copies of each conv output alive at a step's peak, per image (7.1 measured; rounded up). */
export const LIVE_COPIES = 8;

/** Budget for a step's tensors, in bytes: with the ~0.45 GB the native engine itself holds, a run stays near 1 GB. */
export const STEP_TENSOR_BUDGET = 640 * 2 ** 20;

/** Float32 values of every conv layer's output for one image: the encoder's convs, the decoder's transposed convs and its output layer. */
export function convOutputFloats(spec: Pick<ModelSpec, 'inputShape' | 'encoder'>): number {
  const [h, w, c] = spec.inputShape;
  const { filters, strides } = spec.encoder;
  // Spatial size (height x width) before each encoder conv: the input, then each conv's output.
  const areas = [h * w];
  let [sh, sw] = [h, w];
  for (let i = 0; i < filters.length; i++) {
    sh = Math.ceil(sh / strides);
    sw = Math.ceil(sw / strides);
    areas.push(sh * sw);
  }
  let total = 0;
  // Encoder conv i: areas[i + 1] x filters[i]. The decoder mirrors it: its transposed conv with
  // filters[i] outputs areas[i] (16x16x128, 32x32x64, 64x64x32 for 64x64 and 32,64,128); then the
  // output layer, h x w x c.
  filters.forEach((f, i) => (total += areas[i + 1]! * f + areas[i]! * f));
  return total + h * w * c;
}

/** Estimated bytes of one step's tensors per image (LIVE_COPIES float32 copies of every conv output). */
export function stepBytesPerImage(spec: Pick<ModelSpec, 'inputShape' | 'encoder'>): number {
  return LIVE_COPIES * 4 * convOutputFloats(spec);
}

/**
 * The micro-batch that keeps a step of `batchSize` images within `budget` bytes: the batch halved
 * (rounded up) until its estimate fits, or undefined when the whole batch fits or the spec has
 * BatchNormalization (see the module comment).
 */
export function memoryMicroBatch(spec: Pick<ModelSpec, 'inputShape' | 'encoder' | 'norm'>, batchSize: number, budget = STEP_TENSOR_BUDGET): number | undefined {
  if (spec.norm !== 'none') return undefined;
  const perImage = stepBytesPerImage(spec);
  let micro = batchSize;
  while (micro > 1 && micro * perImage > budget) micro = Math.ceil(micro / 2);
  return micro < batchSize ? micro : undefined;
}
