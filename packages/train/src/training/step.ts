/**
 * One training step of the book's models: gradients of the book's loss over the trainable weights,
 * optionally accumulated over micro-batches, then an Adam update.
 *
 * Micro-batches: the loss of a batch is a mean over its images, so the gradient of a batch of N is
 * sum_k (n_k / N) * gradient of micro-batch k. Without BatchNormalization (AE, Fashion VAE) this is the
 * one-big-batch gradient up to float32 summation order (tested to ~1e-6 relative).
 * With BatchNormalization (faces VAE) each micro-batch normalises with its own batch statistics
 * ("ghost batch norm", what Keras does per replica under MirroredStrategy without SyncBatchNorm):
 * exact full-batch statistics would need the whole batch's activations at every BN layer, which is
 * the memory the split exists to avoid (batch 128 exhausts wasm's 4 GB). The moving statistics are
 * updated once per step with the average of the micro-batches' statistics:
 *   moving = momentum * moving + (1 - momentum) * mean_k(stat_k)
 * (the moving mean then equals the full-batch update exactly; the moving variance misses the
 * between-micro-batch part of the variance).
 *
 * VAE noise: z = z_mean + exp(0.5 z_log_var) * eps with `eps` given by the caller (seeded in the
 * training loop so a resumed run draws the same noise), through the encoder's own Sampling layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.ts';
import type { ModelPair } from '@latentkit/models';
import type { Losses } from '../types.ts';
import { classCount, oneHotLabels, withLabels, type Adam } from '@latentkit/models';
import { modelLoss, type LossTensors, type LossWeights } from './losses.ts';
import { nonTrainableVariables, trainableVariables } from './weights.ts';

export interface GradientOptions {
  /** VAE noise, [images, latentDim] row-major; omitted: unseeded N(0, 1) draws. Ignored for the AE. */
  eps?: Float32Array | tf.Tensor2D;
  /** Reconstruction weight; default the spec's loss.scale (the book's 1, 500, 2000). */
  lossScale?: number;
  /** KL weight (VAEs); default the spec's beta. The training loop passes beta x the KL warm-up weight. */
  klWeight?: number;
  /** Largest micro-batch; the batch is split and gradients accumulated. Default: no split. */
  microBatch?: number;
  /** Class index per image: required by a conditional VAE (models/conditional.ts), ignored otherwise. */
  labels?: Int32Array;
}

export interface GradientResult {
  /** Losses of the whole batch (size-weighted means over micro-batches). */
  losses: Losses;
  /** Gradient per trainable weight, keyed as in trainableVariables(). Caller disposes. */
  grads: tf.NamedTensorMap;
  /** Number of images. */
  count: number;
}

const trunks = new WeakMap<tfl.LayersModel, tfl.LayersModel>();

/** The VAE encoder up to [z_mean, z_log_var] (shares its layers and weights). */
function vaeTrunk(pair: ModelPair): tfl.LayersModel {
  let trunk = trunks.get(pair.encoder);
  if (trunk === undefined) {
    trunk = tfl.model({ inputs: pair.encoder.inputs, outputs: pair.encoder.outputs.slice(0, 2) });
    trunks.set(pair.encoder, trunk);
  }
  return trunk;
}

function epsTensor(pair: ModelPair, n: number, eps: GradientOptions['eps']): tf.Tensor2D {
  if (eps === undefined) return tf.randomNormal([n, pair.latentDim]);
  if (eps instanceof Float32Array) {
    if (eps.length !== n * pair.latentDim) {
      throw new ValueError(`eps holds ${eps.length} values; ${n} images x latentDim ${pair.latentDim} = ${n * pair.latentDim} expected`);
    }
    return tf.tensor2d(eps, [n, pair.latentDim]);
  }
  if (eps.shape[0] !== n || eps.shape[1] !== pair.latentDim) {
    throw new ValueError(`eps has shape [${eps.shape}]; [${n}, ${pair.latentDim}] expected`);
  }
  return eps.clone();
}

/**
 * Forward pass and loss tensors of one (micro-)batch: images [n, H, W, C] in [0, 1] through the
 * encoder and decoder, then modelLoss. `eps` [n, latentDim] is the VAE noise (unused by the AE);
 * `training` selects BatchNormalization's batch statistics (true) or moving statistics (false).
 * `labels` [n, K] one-hot: the class of each image, for a conditional VAE (ignored otherwise).
 * Returns scalars (caller disposes); losses are per image (means over the batch), as Keras reports.
 */
export function forwardLoss(
  pair: ModelPair,
  images: tf.Tensor4D,
  eps: tf.Tensor2D | undefined,
  weights: LossWeights,
  training: boolean,
  labels?: tf.Tensor2D,
): LossTensors {
  return tf.tidy((): tf.TensorContainer => {
    if (pair.spec.type === 'ae') {
      const z = pair.encoder.apply(images, { training }) as tf.Tensor;
      const reconstruction = pair.decoder.apply(z, { training }) as tf.Tensor;
      return modelLoss(pair.spec, { images, reconstruction }, weights) as unknown as tf.TensorContainer;
    }
    const [zMean, zLogVar] = vaeTrunk(pair).apply(withLabels(pair, images, labels), { training }) as tf.Tensor2D[];
    const z = pair.encoder.getLayer('z').apply([zMean, zLogVar, eps!]) as tf.Tensor;
    const reconstruction = pair.decoder.apply(withLabels(pair, z, labels), { training }) as tf.Tensor;
    return modelLoss(pair.spec, { images, reconstruction, zMean, zLogVar }, weights) as unknown as tf.TensorContainer;
  }) as unknown as LossTensors;
}

/**
 * The one-hot labels [n, K] of a conditional pair's batch (caller disposes); undefined otherwise.
 * @throws ValueError when a conditional pair gets no labels or a wrong count (models/conditional.ts).
 */
function labelTensor(pair: ModelPair, n: number, labels: Int32Array | undefined): tf.Tensor2D | undefined {
  const classes = classCount(pair);
  if (classes === undefined) return undefined;
  if (labels === undefined) throw new ValueError(`this conditional VAE (${classes} classes) needs a label per image; the batch has none`);
  if (labels.length !== n) throw new ValueError(`${labels.length} labels for ${n} images: they must match`);
  return oneHotLabels(labels, classes);
}

function checkImages(pair: ModelPair, images: tf.Tensor4D): number {
  const [n, h, w, c] = images.shape;
  const [eh, ew, ec] = pair.imageShape;
  if (h !== eh || w !== ew || c !== ec) {
    throw new ValueError(`images have shape [${images.shape}]; the ${pair.kind ?? pair.spec.type} model takes [n, ${eh}, ${ew}, ${ec}]`);
  }
  if (n < 1) throw new ValueError('computeGradients: empty batch');
  return n;
}

/** The loss scalars of one (micro-)batch, kept until read, and the batch's share of the whole. */
interface PendingLosses {
  tensors: LossTensors;
  weight: number;
}

function lossScalars(t: LossTensors): tf.Scalar[] {
  return [t.total, t.reconstruction, t.kl].filter((x): x is tf.Scalar => x !== undefined);
}

/** Size-weighted sums of the pending losses from their values ([total, reconstruction, kl?] each). */
function sumLosses(pending: readonly PendingLosses[], values: readonly number[][], variational: boolean): Losses {
  const sums = { total: 0, reconstruction: 0, kl: 0 };
  pending.forEach(({ weight }, i) => {
    const [total, reconstruction, kl] = values[i]!;
    sums.total += total! * weight;
    sums.reconstruction += reconstruction! * weight;
    sums.kl += (kl ?? 0) * weight;
  });
  const losses: Losses = { total: sums.total, reconstruction: sums.reconstruction };
  if (variational) losses.kl = sums.kl;
  return losses;
}

/** Reads and disposes the pending losses synchronously (wasm, cpu, tfjs-node). */
function readLossesSync(pending: readonly PendingLosses[], variational: boolean): Losses {
  try {
    return sumLosses(pending, pending.map((p) => lossScalars(p.tensors).map((t) => t.dataSync()[0]!)), variational);
  } finally {
    for (const p of pending) tf.dispose(lossScalars(p.tensors));
  }
}

/**
 * Reads and disposes the pending losses without a synchronous readback: the webgpu backend's
 * dataSync needs OffscreenCanvas, which Node lacks, so every engine's training loop reads this way.
 */
async function readLosses(pending: readonly PendingLosses[], variational: boolean): Promise<Losses> {
  try {
    const values = await Promise.all(pending.map((p) => Promise.all(lossScalars(p.tensors).map(async (t) => (await t.data())[0]!))));
    return sumLosses(pending, values, variational);
  } finally {
    for (const p of pending) tf.dispose(lossScalars(p.tensors));
  }
}

interface PendingGradients {
  pending: PendingLosses[];
  grads: tf.NamedTensorMap;
  count: number;
}

/** The gradient computation of computeGradients, with the losses left as tensors (not yet read). */
function gradientsWithPendingLosses(pair: ModelPair, images: tf.Tensor4D, options: GradientOptions): PendingGradients {
  const n = checkImages(pair, images);
  const weights: LossWeights = { lossScale: options.lossScale, klWeight: options.klWeight };
  const micro = options.microBatch ?? n;
  if (!Number.isInteger(micro) || micro < 1) throw new ValueError(`microBatch must be a positive integer, received ${micro}`);
  const variables = trainableVariables(pair);
  const keyOfName = new Map<string, string>();
  for (const [key, v] of variables) keyOfName.set(v.name, key);
  const varList = [...variables.values()];
  const eps = pair.spec.type === 'ae' ? undefined : epsTensor(pair, n, options.eps);
  const labels = labelTensor(pair, n, options.labels);

  const moving = nonTrainableVariables(pair);
  const chunks = Math.ceil(n / micro);
  const snapshot = chunks > 1 && moving.size > 0 ? new Map([...moving].map(([k, v]) => [k, v.clone()])) : undefined;
  const movingSum = new Map<string, tf.Tensor>();

  const grads: tf.NamedTensorMap = {};
  const pending: PendingLosses[] = [];
  try {
    for (let start = 0; start < n; start += micro) {
      const size = Math.min(micro, n - start);
      const weight = chunks === 1 ? 1 : size / n;
      if (snapshot) for (const [k, v] of moving) v.assign(snapshot.get(k)!);
      let parts: LossTensors | undefined;
      const result = tf.tidy(() => {
        const x = chunks === 1 ? images : tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
        const e = eps === undefined ? undefined : chunks === 1 ? eps : tf.slice(eps, [start, 0], [size, -1]);
        const y = labels === undefined ? undefined : chunks === 1 ? labels : tf.slice(labels, [start, 0], [size, -1]);
        return tf.variableGrads(() => {
          const l = forwardLoss(pair, x, e, weights, true, y);
          parts = { total: l.total, reconstruction: tf.keep(l.reconstruction), kl: l.kl && tf.keep(l.kl) };
          return l.total;
        }, varList);
      });
      pending.push({ tensors: { ...parts!, total: result.value }, weight });
      for (const [name, g] of Object.entries(result.grads)) {
        const key = keyOfName.get(name)!;
        if (weight === 1) {
          grads[key] = g;
          continue;
        }
        const prev = grads[key];
        grads[key] = tf.tidy(() => (prev === undefined ? tf.mul(g, weight) : tf.add(prev, tf.mul(g, weight))));
        tf.dispose([g, prev].filter((t) => t !== undefined));
      }
      if (snapshot) {
        for (const [k, v] of moving) {
          const prev = movingSum.get(k);
          movingSum.set(k, tf.tidy(() => (prev === undefined ? tf.mul(v, weight) : tf.add(prev, tf.mul(v, weight)))));
          prev?.dispose();
        }
      }
    }
    if (snapshot) for (const [k, v] of moving) v.assign(movingSum.get(k)!);
  } finally {
    eps?.dispose();
    labels?.dispose();
    if (snapshot) tf.dispose([...snapshot.values()]);
    tf.dispose([...movingSum.values()]);
  }
  return { pending, grads, count: n };
}

/**
 * Gradients of the book's loss for one batch (BN in training mode, moving statistics updated).
 * `images` is [n, H, W, C] in [0, 1] (the pair's imageShape); `options.eps` [n, latentDim] the VAE
 * noise. Split into micro-batches of at most `options.microBatch` images when given. Reads the
 * losses synchronously: not on the webgpu engine (use computeGradientsAsync there).
 * @throws ValueError when `eps` does not hold n x latentDim values.
 */
export function computeGradients(pair: ModelPair, images: tf.Tensor4D, options: GradientOptions = {}): GradientResult {
  const { pending, grads, count } = gradientsWithPendingLosses(pair, images, options);
  return { losses: readLossesSync(pending, pair.spec.type === 'vae'), grads, count };
}

/** computeGradients on any engine, webgpu included (losses read with `await data()`); same shapes and errors. */
export async function computeGradientsAsync(pair: ModelPair, images: tf.Tensor4D, options: GradientOptions = {}): Promise<GradientResult> {
  const { pending, grads, count } = gradientsWithPendingLosses(pair, images, options);
  return { losses: await readLosses(pending, pair.spec.type === 'vae'), grads, count };
}

function applyAndDispose(pair: ModelPair, optimizer: Adam, grads: tf.NamedTensorMap): void {
  try {
    optimizer.apply(trainableVariables(pair), grads);
  } finally {
    tf.dispose(Object.values(grads));
  }
}

/**
 * computeGradients followed by one Adam update of the pair's trainable weights; returns the batch's
 * losses (per image). Synchronous reads: use trainStepAsync on the webgpu engine.
 * @throws ValueError when `eps` does not hold n x latentDim values.
 */
export function trainStep(pair: ModelPair, optimizer: Adam, images: tf.Tensor4D, options: GradientOptions = {}): Losses {
  const { losses, grads } = computeGradients(pair, images, options);
  applyAndDispose(pair, optimizer, grads);
  return losses;
}

/**
 * trainStep on any engine, webgpu included (what the training loop calls). The Adam update is
 * queued before the losses are read. @throws ValueError as trainStep.
 */
export async function trainStepAsync(pair: ModelPair, optimizer: Adam, images: tf.Tensor4D, options: GradientOptions = {}): Promise<Losses> {
  const { pending, grads } = gradientsWithPendingLosses(pair, images, options);
  applyAndDispose(pair, optimizer, grads);
  return readLosses(pending, pair.spec.type === 'vae');
}

/**
 * Losses of one batch in inference mode (BN moving statistics; VAE z sampled with `eps`
 * [n, latentDim]), as Keras's test_step; images [n, H, W, C] in [0, 1]. Weights are not changed.
 * @throws ValueError when `eps` does not hold n x latentDim values.
 */
export function evaluateBatch(pair: ModelPair, images: tf.Tensor4D, options: Omit<GradientOptions, 'microBatch'> = {}): Losses {
  const n = checkImages(pair, images);
  const eps = pair.spec.type === 'ae' ? undefined : epsTensor(pair, n, options.eps);
  const labels = labelTensor(pair, n, options.labels);
  try {
    const t = forwardLoss(pair, images, eps, { lossScale: options.lossScale, klWeight: options.klWeight }, false, labels);
    return readLossesSync([{ tensors: t, weight: 1 }], pair.spec.type === 'vae');
  } finally {
    eps?.dispose();
    labels?.dispose();
  }
}

/** evaluateBatch on any engine, webgpu included; same shapes and errors. */
export async function evaluateBatchAsync(pair: ModelPair, images: tf.Tensor4D, options: Omit<GradientOptions, 'microBatch'> = {}): Promise<Losses> {
  const n = checkImages(pair, images);
  const eps = pair.spec.type === 'ae' ? undefined : epsTensor(pair, n, options.eps);
  const labels = labelTensor(pair, n, options.labels);
  let t: LossTensors;
  try {
    t = forwardLoss(pair, images, eps, { lossScale: options.lossScale, klWeight: options.klWeight }, false, labels);
  } finally {
    eps?.dispose();
    labels?.dispose();
  }
  return readLosses([{ tensors: t, weight: 1 }], pair.spec.type === 'vae');
}
