/**
 * Interpolation between two latent vectors: the straight line (the book's morph_faces) or the
 * spherical path (slerp) that T. White, "Sampling Generative Networks" (2016, arXiv:1609.04468,
 * section 2.1) recommends for Gaussian latents, since a straight line between two draws of
 * N(0, I) in many dimensions passes near the origin, where the prior has almost no mass.
 *
 *   linear: z(t) = (1 - t) a + t b
 *   slerp:  z(t) = sin((1 - t) θ) / sin θ · a + sin(t θ) / sin θ · b,  θ = arccos(a·b / (|a| |b|))
 *
 * slerp's properties (what the tests check): z(0) = a and z(1) = b; when |a| = |b| = r, z(t) runs
 * along the great circle of radius r through a and b at constant speed: |z(t)| = r and the angle
 * between a and z(t) is t θ. With unequal norms the formula is applied as it stands (White's does not
 * rescale; neither do we): the path stays in the plane of a and b and the endpoints are still exact.
 *
 * Degenerate inputs, where θ is undefined or the great circle is not unique, fall back to the
 * straight line, which is slerp's own limit as θ -> 0 (as White's reference code `slerp` in
 * dribnet/plat does for θ = 0):
 * - a or b is the zero vector (no direction): linear;
 * - a and b (nearly) parallel or anti-parallel, sin θ < 1e-7: linear (for parallel vectors this
 *   equals slerp's limit; for anti-parallel ones no single arc exists).
 * Computed in double precision; the result is a Float32Array like every latent here.
 */

export type Interpolation = 'linear' | 'slerp';
export const INTERPOLATIONS: readonly Interpolation[] = ['linear', 'slerp'];

/** sin θ below which slerp falls back to the straight line (see the module comment). */
export const SLERP_PARALLEL_EPSILON = 1e-7;

/**
 * Weights (wa, wb) such that z(t) = wa · a + wb · b, for a given interpolation.
 * For slerp these depend on a and b only through θ; `angle` returns it.
 */
export function interpolationWeights(mode: Interpolation, t: number, theta: number | null): [number, number] {
  if (mode === 'linear' || theta === null) return [1 - t, t];
  const s = Math.sin(theta);
  return [Math.sin((1 - t) * theta) / s, Math.sin(t * theta) / s];
}

/**
 * The angle θ in [0, π] between a and b, or null when slerp must fall back to the line: a zero
 * vector, or |sin θ| < SLERP_PARALLEL_EPSILON. Both of length d.
 */
export function slerpAngle(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  if (na === 0 || nb === 0) return null;
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
  const theta = Math.acos(cos);
  return Math.sin(theta) < SLERP_PARALLEL_EPSILON ? null : theta;
}

/**
 * Rows z(t_i) for every t_i in `ts`, as one flat Float32Array of ts.length x d.
 * a and b have the same length d (the caller checks). t outside [0, 1] extrapolates along the same
 * line or circle.
 */
export function interpolate(a: ArrayLike<number>, b: ArrayLike<number>, ts: ArrayLike<number>, mode: Interpolation = 'linear'): Float32Array {
  const d = a.length;
  const theta = mode === 'slerp' ? slerpAngle(a, b) : null;
  const out = new Float32Array(ts.length * d);
  for (let i = 0; i < ts.length; i++) {
    const [wa, wb] = interpolationWeights(mode, ts[i], theta);
    for (let j = 0; j < d; j++) out[i * d + j] = wa * a[j] + wb * b[j];
  }
  return out;
}
