/**
 * A k-nearest-neighbour classifier (Cover & Hart 1967, "Nearest neighbor pattern classification",
 * IEEE Trans. Inf. Theory 13(1)) in pixel space: Euclidean distance between flattened images, the
 * majority class of the k nearest reference images, a tie in the vote broken by the smaller summed
 * squared distance of the tied classes' neighbours (then by the smaller class index).
 *
 * Distances run on the active tfjs engine as one matrix product per query chunk:
 * ||q - r||^2 = ||q||^2 - 2 q.r + ||r||^2 (the expansion scikit-learn's euclidean_distances uses),
 * then topk. The reference set stays on the engine ([N, D] float32: 10,000 32x32 images = 41 MB).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.ts';

/** Query rows per distance chunk: a chunk's distance matrix is QUERY_CHUNK x N float32 (20 MB at N = 10,000). */
const QUERY_CHUNK = 500;

export class KnnClassifier {
  readonly k: number;
  readonly size: number;
  readonly dim: number;
  readonly classes: number;
  private readonly refs: tf.Tensor2D;
  private readonly refNorms: tf.Tensor1D;
  private readonly labels: Int32Array;

  /**
   * @param images reference images, `labels.length` rows of `dim` values (flattened, any layout, same as the queries')
   * @param labels class index per reference image, in [0, classes)
   * @throws ValueError for k < 1, k larger than the reference set, sizes that disagree, or a label out of range.
   */
  constructor(images: Float32Array, labels: Int32Array, opts: { k: number; classes: number }) {
    const n = labels.length;
    if (!Number.isInteger(opts.k) || opts.k < 1) throw new ValueError(`k-NN: k must be a positive integer, received ${opts.k}`);
    if (n < opts.k) throw new ValueError(`k-NN: ${n} reference images for k = ${opts.k}; give at least k`);
    if (images.length % n !== 0) throw new ValueError(`k-NN: ${images.length} values are not ${n} images of equal size`);
    for (const c of labels) if (c < 0 || c >= opts.classes) throw new ValueError(`k-NN: label ${c} is not in [0, ${opts.classes})`);
    this.k = opts.k;
    this.size = n;
    this.dim = images.length / n;
    this.classes = opts.classes;
    this.labels = labels;
    this.refs = tf.tensor2d(images, [n, this.dim]);
    this.refNorms = tf.tidy(() => tf.sum(tf.square(this.refs), 1) as tf.Tensor1D);
  }

  /**
   * The predicted class of every query image (`images` holds rows of `dim` values).
   * @throws ValueError when `images` is not whole rows of `dim`.
   */
  async predict(images: Float32Array): Promise<Int32Array> {
    if (images.length % this.dim !== 0) throw new ValueError(`k-NN: ${images.length} values are not rows of ${this.dim}`);
    const n = images.length / this.dim;
    const out = new Int32Array(n);
    for (let start = 0; start < n; start += QUERY_CHUNK) {
      const m = Math.min(QUERY_CHUNK, n - start);
      const { values, indices } = tf.tidy(() => {
        const q = tf.tensor2d(images.subarray(start * this.dim, (start + m) * this.dim), [m, this.dim]);
        const qn = tf.sum(tf.square(q), 1, true);
        const d2 = tf.add(tf.sub(qn, tf.mul(tf.matMul(q, this.refs, false, true), 2)), this.refNorms);
        return tf.topk(tf.neg(d2), this.k, true);
      });
      const [v, idx] = await Promise.all([values.data(), indices.data()]);
      tf.dispose([values, indices]);
      for (let i = 0; i < m; i++) out[start + i] = this.vote(idx as Int32Array, v as Float32Array, i * this.k);
    }
    return out;
  }

  private vote(indices: Int32Array, negD2: Float32Array, offset: number): number {
    const votes = new Int32Array(this.classes);
    const dist = new Float64Array(this.classes);
    for (let j = 0; j < this.k; j++) {
      const c = this.labels[indices[offset + j]!]!;
      votes[c]!++;
      dist[c] += -negD2[offset + j]!;
    }
    let best = 0;
    for (let c = 1; c < this.classes; c++) {
      if (votes[c]! > votes[best]! || (votes[c] === votes[best] && votes[c]! > 0 && dist[c]! < dist[best]!)) best = c;
    }
    return best;
  }

  dispose(): void {
    tf.dispose([this.refs, this.refNorms]);
  }
}
