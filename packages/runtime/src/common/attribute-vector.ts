/**
 * The book's get_vector_from_label (vae_utils.py), as an accumulator so it can run over one array
 * of images or stream over a dataset far larger than memory (CelebA): feed batches of SAMPLED z with
 * +1/-1 labels; it keeps running means of the positives and negatives, and stops once the two means
 * together move less than `threshold` in one batch. The vector is mean_pos - mean_neg, normalised.
 */
import type { AttributeVectorResult } from './latent-model.ts';

export class AttributeMeans {
  readonly sumPos: Float64Array;
  readonly sumNeg: Float64Array;
  meanPos: Float64Array;
  meanNeg: Float64Array;
  positives = 0;
  negatives = 0;
  batches = 0;
  converged = false;
  // As in the book, a batch without positives (or negatives) keeps the previous movement.
  private movePos = Infinity;
  private moveNeg = Infinity;

  constructor(
    readonly latentDim: number,
    readonly threshold = 0.08,
  ) {
    this.sumPos = new Float64Array(latentDim);
    this.sumNeg = new Float64Array(latentDim);
    this.meanPos = new Float64Array(latentDim);
    this.meanNeg = new Float64Array(latentDim);
  }

  /**
   * One batch: z is rows x latentDim; label(i) > 0 (or true) is positive, anything else negative.
   * Returns true once converged (further batches are ignored).
   */
  add(z: Float32Array, label: (i: number) => number | boolean): boolean {
    if (this.converged) return true;
    const d = this.latentDim;
    const rows = z.length / d;
    let nPos = 0;
    let nNeg = 0;
    for (let i = 0; i < rows; i++) {
      const l = label(i);
      const pos = l === true || (typeof l === 'number' && l > 0);
      const sum = pos ? this.sumPos : this.sumNeg;
      for (let j = 0; j < d; j++) sum[j] += z[i * d + j];
      if (pos) nPos++;
      else nNeg++;
    }
    this.batches++;
    if (nPos > 0) {
      this.positives += nPos;
      const next = this.sumPos.map((s) => s / this.positives);
      this.movePos = distance(next, this.meanPos);
      this.meanPos = next;
    }
    if (nNeg > 0) {
      this.negatives += nNeg;
      const next = this.sumNeg.map((s) => s / this.negatives);
      this.moveNeg = distance(next, this.meanNeg);
      this.meanNeg = next;
    }
    if (this.movePos + this.moveNeg < this.threshold) this.converged = true;
    return this.converged;
  }

  result(): AttributeVectorResult {
    const diff = this.meanPos.map((p, j) => p - this.meanNeg[j]);
    const norm = Math.hypot(...diff);
    const vector = new Float32Array(this.latentDim);
    if (norm > 0) for (let j = 0; j < this.latentDim; j++) vector[j] = diff[j] / norm;
    return {
      vector,
      distance: norm,
      positives: this.positives,
      negatives: this.negatives,
      batches: this.batches,
      converged: this.converged,
    };
  }
}

function distance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
}
