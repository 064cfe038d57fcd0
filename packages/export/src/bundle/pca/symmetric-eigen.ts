/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", 4th ed., section 8.5.2-8.5.3; the same rotations as Numerical Recipes'
 * `jacobi`): sweep over every off-diagonal pair (p, q), zero it with one plane rotation, until the
 * off-diagonal mass is negligible. Quadratically convergent; accurate to working precision for
 * every eigenvalue, small ones included, which is what a covariance matrix's spectrum needs.
 * Cost: ~O(n^3) per sweep and typically 6-10 sweeps: a 200 x 200 covariance takes well under a second.
 */

export interface SymmetricEigen {
  /** The n eigenvalues, in decreasing order. */
  values: Float64Array;
  /** n x n, row-major; row i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/**
 * `a`: n x n row-major, symmetric (only the upper triangle is trusted; `a` is not modified).
 * @throws RangeError when a.length is not n * n or a value is not finite, or when the sweeps do not
 *   converge (never seen on a symmetric matrix; the limit guards against NaN loops).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, maxSweeps = 60): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n} x ${n} = ${n * n} values, got ${a.length}`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j];
      if (!Number.isFinite(v)) throw new RangeError(`symmetricEigen: value (${i}, ${j}) is ${v}`);
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  // v: columns are the eigenvectors as they accumulate.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i] * m[i];
  const tol = Math.max(scale, Number.MIN_VALUE) * 1e-30;

  let sweep = 0;
  for (; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        // The rotation that zeroes (p, q): tan = t, the smaller root of t^2 + 2 tau t - 1 = 0 (GvL 8.5.2).
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // M <- J^T M J, touching rows and columns p and q only.
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (sweep === maxSweeps) throw new RangeError(`symmetricEigen: no convergence after ${maxSweeps} sweeps`);

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    values[r] = m[col * n + col];
    for (let k = 0; k < n; k++) vectors[r * n + k] = v[k * n + col];
  });
  return { values, vectors };
}
