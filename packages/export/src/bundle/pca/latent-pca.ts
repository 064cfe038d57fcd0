/**
 * Principal component analysis of encoded latents (rows of z_mean), as sklearn's `PCA` defines it:
 * centre on the mean, take the sample covariance C = X^T X / (n - 1), and its eigenvectors by
 * decreasing eigenvalue (symmetric-eigen.ts). explained_variance_ = the eigenvalues,
 * explained_variance_ratio_ = each over trace(C). Signs are fixed so each component's largest-|.|
 * entry is positive (sklearn's `svd_flip` fixes them another way; a sign is arbitrary either way).
 */
import type { LatentPca } from '@latentkit/format';
import { symmetricEigen } from './symmetric-eigen.ts';

export interface PcaOptions {
  /** Components to keep (default min(latentDim, PCA_COMPONENTS)). */
  components?: number;
  /** Labels of the rows (class index, 0 when unlabelled) for the PC-plane scatter. */
  labels?: ArrayLike<number>;
  /** Most rows whose first two coordinates go into `points` (default 2000). */
  maxPoints?: number;
  /** Where the rows came from, recorded as `source`. */
  source?: string;
}

/**
 * Components written into latents.json: the explorer's sliders and /v1/traverse's `component` range.
 * 16 covers what a person explores by hand (the explorer shows 8 sliders) and, for the faces VAE, the
 * components above the noise floor of a short training run, at ~30 KB of JSON for a 200-d latent.
 */
export const PCA_COMPONENTS = 16;

/**
 * `z`: n x d row-major latents (n >= 2). Returns the LatentPca of latents.json.
 * @throws RangeError when there are fewer than 2 rows or z.length is not a multiple of d.
 */
export function latentPca(z: ArrayLike<number>, d: number, options: PcaOptions = {}): LatentPca {
  const n = z.length / d;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`latentPca: need at least 2 rows of ${d} values, got ${z.length} values`);
  const k = Math.min(d, options.components ?? PCA_COMPONENTS);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += z[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = z[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const o = a * d;
      for (let b = a; b < d; b++) cov[o + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b] /= n - 1;
  let total = 0;
  for (let a = 0; a < d; a++) total += cov[a * d + a];

  const { values, vectors } = symmetricEigen(cov, d);
  const components: number[][] = [];
  for (let r = 0; r < k; r++) {
    const v = Array.from(vectors.subarray(r * d, (r + 1) * d));
    let big = 0;
    for (let j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    components.push(v[big] < 0 ? v.map((x) => -x) : v);
  }
  const variance = Array.from(values.subarray(0, k), (x) => Math.max(0, x));
  const points: [number, number, number][] = [];
  const maxPoints = Math.min(n, options.maxPoints ?? 2000);
  if (k >= 2) {
    for (let i = 0; i < maxPoints; i++) {
      let c0 = 0;
      let c1 = 0;
      for (let j = 0; j < d; j++) {
        const x = z[i * d + j] - mean[j];
        c0 += x * components[0][j];
        c1 += x * components[1][j];
      }
      points.push([c0, c1, options.labels ? options.labels[i] : 0]);
    }
  }
  return {
    count: n,
    source: options.source ?? 'encoded latents',
    mean: Array.from(mean),
    components,
    explainedVariance: variance,
    explainedVarianceRatio: variance.map((x) => (total > 0 ? x / total : 0)),
    ...(points.length ? { points } : {}),
  };
}
