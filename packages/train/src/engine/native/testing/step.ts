/**
 * One training step of a book model with everything a float64 reference needs to redo it
 * (`reference_f64.py` beside this file reads it as JSON): the weights before the step, the images and
 * the VAE noise, and the step's weight gradients, updated BatchNorm moving statistics and losses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '@latentkit/models';
import { computeGradients } from '../../../training/step.ts';
import { allVariables, nonTrainableVariables } from '../../../training/weights.ts';
import type { Losses, ModelKind } from '../../../types.ts';
import { withStockGradients } from '../../gradients/register.ts';
import { randomValues } from '../../kernels/test-util.ts';
import { initEngine } from '../../select.ts';
import { withoutNativeGradients } from '../register.ts';

export type Named = Record<string, { shape: number[]; values: number[] }>;

const named = (m: Map<string, tf.Tensor> | tf.NamedTensorMap): Named =>
  Object.fromEntries([...(m instanceof Map ? m : Object.entries(m))].map(([k, t]) => [k, { shape: t.shape, values: [...t.dataSync()] }]));

export interface ParityStep {
  /** What the step starts from: model, batch size, image shape [H, W, C], latent size, images [batch, H, W, C] and eps [batch, latentDim] row-major, weights by key (training/weights.ts). */
  inputs: { kind: ModelKind; batch: number; imageShape: number[]; latentDim: number; images: number[]; eps: number[]; weights: Named };
  /** What it computed on the current backend and gradients: losses per image, gradients and moving statistics by key. */
  out: { losses: Losses; grads: Named; moving: Named };
}

/**
 * One step of `kind` at `batch` images on the current backend: a fresh model (seed 7), images
 * 0.5 + 0.5 * U(-1, 1) (seed 8), eps U(-1, 1) (seed 9), BatchNorm in training mode. Deterministic, so two
 * calls under different gradient registrations start from the same weights and data.
 */
export function parityStep(kind: ModelKind, batch: number): ParityStep {
  const pair = buildModel(kind, { seed: 7 });
  const before = named(allVariables(pair));
  const images = tf.tidy(() => tf.add(tf.mul(tf.tensor(randomValues(batch * pair.imageShape.reduce((a, b) => a * b, 1), 8), [batch, ...pair.imageShape]), 0.5), 0.5)) as tf.Tensor4D;
  const eps = randomValues(batch * pair.latentDim, 9);
  const { grads, losses } = computeGradients(pair, images, { eps: kind === 'ae' ? undefined : eps });
  const out = { losses, grads: named(grads), moving: named(nonTrainableVariables(pair)) };
  const inputs = { kind, batch, imageShape: pair.imageShape, latentDim: pair.latentDim, images: [...images.dataSync()], eps: [...eps], weights: before };
  tf.dispose([images, ...Object.values(grads)]);
  return { inputs, out };
}


/**
 * The same step on the 'tensorflow' backend twice: with our native kernels and gradients, and with
 * tfjs's own formulas (native gradients and our wasm-lean BN gradient swapped out), as the JSON
 * object reference_f64.py reads: the step's inputs, then `ours` and `stock` results.
 * @throws EngineError when tfjs-node cannot load here.
 */
export async function stepOnBothPaths(kind: ModelKind, batch: number): Promise<ParityStep['inputs'] & { ours: ParityStep['out']; stock: ParityStep['out'] }> {
  const onNative = async () => {
    await initEngine('tfjs-node', { log: () => {} });
    // Other tests switch backends with tf.setBackend without telling initEngine: switch back explicitly.
    await tf.setBackend('tensorflow');
    return parityStep(kind, batch);
  };
  const ours = await onNative();
  const stock = await withoutNativeGradients(() => withStockGradients(onNative));
  return { ...ours.inputs, ours: ours.out, stock: stock.out };
}
