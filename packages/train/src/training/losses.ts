/**
 * The losses of a model spec (@latentkit/format model-spec.ts): loss.scale x (BCE | MSE) + beta x
 * w x KL. The book's three presets give its losses, as its Keras code computes them (ch. 3):
 * - AE: compile(loss='binary_crossentropy'): Keras BCE per pixel, averaged over all pixels and images.
 * - Fashion VAE: reconstruction = mean over the batch of 500 * BCE(axis=(1,2,3)) (mean over pixels);
 *   KL = mean over the batch of sum over latent dims of -0.5 (1 + log_var - mean^2 - exp(log_var));
 *   total = reconstruction + KL. (The study note in the seed file writes reduce_mean(..., axis=1) for the
 *   Fashion KL, a transcription slip: the book's notebook sums over dims like the faces VAE; issue 2 says so.)
 * - Faces VAE: reconstruction = mean of 2000 * MSE (Keras MSE averages the last axis, then the batch
 *   mean averages pixels and images, so it is the mean over everything); KL as above.
 *
 * Keras BCE (keras/backend.py binary_crossentropy, from probabilities): p = clip(p, eps, 1 - eps),
 * -(t log(p + eps) + (1 - t) log(1 - p + eps)), eps = 1e-7.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PRESET_SPECS, type ModelKind, type ModelSpec } from '@latentkit/format';

/** Keras's fuzz factor (keras.backend.epsilon()): keeps log() away from 0 in the cross-entropy. */
export const KERAS_EPSILON = 1e-7;

/** Scalar loss tensors of one batch; kl is absent for the AE. */
export interface LossTensors {
  total: tf.Scalar;
  reconstruction: tf.Scalar;
  kl?: tf.Scalar;
}

/**
 * Keras binary cross-entropy of probabilities `output` against `target` (same shape, values in
 * [0, 1]), averaged over every element: a scalar in nats per pixel. Caller disposes it.
 */
export function binaryCrossentropy(target: tf.Tensor, output: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(output, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const pos = tf.mul(target, tf.log(tf.add(p, KERAS_EPSILON)));
    const neg = tf.mul(tf.sub(1, target), tf.log(tf.add(tf.sub(1, p), KERAS_EPSILON)));
    return tf.neg(tf.mean(tf.add(pos, neg))) as tf.Scalar;
  });
}

/**
 * Mean squared error of `output` against `target` (same shape), averaged over every element (= Keras
 * MSE, which averages the last axis, then the batch mean): a scalar. Caller disposes it.
 */
export function meanSquaredError(target: tf.Tensor, output: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(target, output)) as tf.Scalar);
}

/**
 * KL(N(zMean, exp(zLogVar)) || N(0, I)) = -0.5 * sum(1 + zLogVar - zMean^2 - exp(zLogVar)) over the
 * latent dims (Kingma & Welling 2014, appendix B; the book's formula), averaged over the batch.
 * zMean and zLogVar are [n, latentDim]; returns a scalar in nats per image. Caller disposes it.
 */
export function klDivergence(zMean: tf.Tensor2D, zLogVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const terms = tf.sub(tf.sub(tf.add(1, zLogVar), tf.square(zMean)), tf.exp(zLogVar));
    return tf.mean(tf.mul(tf.sum(terms, 1), -0.5)) as tf.Scalar;
  });
}

export interface LossInputs {
  images: tf.Tensor;
  reconstruction: tf.Tensor;
  zMean?: tf.Tensor2D;
  zLogVar?: tf.Tensor2D;
}

/** What a loss needs of a spec. */
export type LossSpec = Pick<ModelSpec, 'type' | 'loss' | 'beta'>;

/** The two weights of the loss of one step; each defaults to the spec's. */
export interface LossWeights {
  /** Weight of the reconstruction term (default spec.loss.scale: the book's 1, 500, 2000). */
  lossScale?: number;
  /**
   * Weight of the KL term (default spec.beta; the loop passes beta x the KL warm-up weight of the epoch).
   * A scalar tensor makes it an input of the computation (the compiled step feeds it per step).
   */
  klWeight?: number | tf.Scalar;
}

/**
 * The loss of `spec` (or of a preset, by kind) for one batch: reconstruction = lossScale x (BCE or
 * MSE, means over every pixel and image); VAEs: total = reconstruction + klWeight x KL (KL summed
 * over latent dims, averaged over the batch); AE: total = reconstruction. Images and reconstruction
 * are [n, H, W, C] in [0, 1], zMean/zLogVar [n, latentDim] (VAEs only). Returns scalars per image
 * (caller disposes); `kl` (unweighted) only for VAEs.
 * @throws TypeError when a VAE loss lacks zMean or zLogVar.
 */
export function modelLoss(spec: LossSpec | ModelKind, inputs: LossInputs, weights: LossWeights = {}): LossTensors {
  const s = typeof spec === 'string' ? PRESET_SPECS[spec] : spec;
  const scale = weights.lossScale ?? s.loss.scale;
  return tf.tidy(() => {
    const base = s.loss.type === 'bce'
      ? binaryCrossentropy(inputs.images, inputs.reconstruction)
      : meanSquaredError(inputs.images, inputs.reconstruction);
    const reconstruction = (scale === 1 ? base : tf.mul(base, scale)) as tf.Scalar;
    if (s.type === 'ae') return { total: reconstruction, reconstruction: reconstruction.clone() };
    if (inputs.zMean === undefined || inputs.zLogVar === undefined) {
      throw new TypeError(`modelLoss: a VAE loss needs zMean and zLogVar`);
    }
    const kl = klDivergence(inputs.zMean, inputs.zLogVar);
    const klWeight = weights.klWeight ?? s.beta;
    const weighted = klWeight === 1 ? kl : tf.mul(kl, klWeight);
    return { total: tf.add(reconstruction, weighted) as tf.Scalar, reconstruction, kl };
  });
}
