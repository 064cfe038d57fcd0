/**
 * The label side of a conditional VAE (@latentkit/format model-spec.ts `conditional`): class indices
 * -> the one-hot `label` input [n, K] both models take, and the inputs to hand each model. For an
 * unconditional pair the labels are ignored and the models take their single input as before.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from './errors.ts';
import type { ModelPair } from './model-pair.ts';

/** K, the number of classes of a conditional pair; undefined for an unconditional one. */
export function classCount(pair: Pick<ModelPair, 'spec'>): number | undefined {
  return pair.spec.conditional?.classes.length;
}

/**
 * Class indices -> one-hot float32 [n, classes] (caller disposes).
 * @throws ValueError for an index that is not an integer in [0, classes).
 */
export function oneHotLabels(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const values = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new ValueError(`label ${c} of image ${i} is not a class index in [0, ${classes})`);
    }
    values[i * classes + c] = 1;
  }
  return tf.tensor2d(values, [labels.length, classes]);
}

/** Labels 0, 1, ..., K-1, 0, 1, ... for `count` generated images: every class in turn. */
export function cyclingLabels(count: number, classes: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i % classes);
}

/**
 * What to pass a model of `pair` besides its first input: [first, one-hot] for a conditional pair,
 * `first` alone otherwise. `labels` are class indices, one per row of `first` (a one-hot tensor
 * [n, K] is passed through). The one-hot tensor it builds is tracked by the enclosing tf.tidy.
 * @throws ValueError when a conditional pair gets no labels, or labels of another count.
 */
export function withLabels(pair: Pick<ModelPair, 'spec'>, first: tf.Tensor, labels: ArrayLike<number> | tf.Tensor2D | undefined): tf.Tensor | tf.Tensor[] {
  const classes = classCount(pair);
  if (classes === undefined) return first;
  if (labels === undefined) {
    throw new ValueError(`this conditional VAE (${classes} classes) needs a label per image; the data or caller gave none`);
  }
  const n = first.shape[0]!;
  const count = labels instanceof tf.Tensor ? labels.shape[0] : labels.length;
  if (count !== n) throw new ValueError(`${count} labels for ${n} images: they must match`);
  return [first, labels instanceof tf.Tensor ? labels : oneHotLabels(labels, classes)];
}
