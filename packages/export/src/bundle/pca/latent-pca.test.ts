import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, normals } from '@latentkit/format';
import { checkerPython } from '../../testing/onnx-checker.ts';
import { symmetricEigen } from './symmetric-eigen.ts';
import { latentPca } from './latent-pca.ts';

/** n rows of d-dim latents with a known, anisotropic covariance: z = mean + G diag(scales) noise, G a random rotation-ish mix. */
function latents(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const mix = normals(rng, d * d);
  const noise = normals(rng, n * d);
  const z = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      let s = 0.3 * a - 1;
      for (let b = 0; b < d; b++) s += mix[a * d + b] * noise[i * d + b] * (3 / (1 + b)) / Math.sqrt(d);
      z[i * d + a] = s;
    }
  }
  return z;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, j) => s + x * b[j], 0);

test('symmetricEigen: A v = lambda v, orthonormal vectors, decreasing values, on a known matrix', () => {
  // [[2, 1], [1, 2]]: eigenvalues 3 and 1 along (1, 1) and (1, -1).
  const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
  assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12);
  assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-12 && Math.abs(vectors[0] - vectors[1]) < 1e-12);
  const d = 30;
  const z = latents(200, d, 2);
  const a = new Float64Array(d * d);
  for (let i = 0; i < 200; i++) for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) a[p * d + q] += z[i * d + p] * z[i * d + q];
  const r = symmetricEigen(a, d);
  for (let k = 0; k < d; k++) {
    const v = r.vectors.subarray(k * d, (k + 1) * d);
    for (let p = 0; p < d; p++) {
      let av = 0;
      for (let q = 0; q < d; q++) av += a[p * d + q] * v[q];
      assert.ok(Math.abs(av - r.values[k] * v[p]) < 1e-8 * r.values[0], `A v = lambda v for eigenpair ${k}`);
    }
    for (let l = 0; l <= k; l++) assert.ok(Math.abs(dot(v, r.vectors.subarray(l * d, (l + 1) * d)) - (k === l ? 1 : 0)) < 1e-10);
    if (k > 0) assert.ok(r.values[k] <= r.values[k - 1]);
  }
  assert.throws(() => symmetricEigen([1, 2, 3], 2), /expected 2 x 2/);
});

test('latentPca matches numpy (np.cov + np.linalg.eigh) on 1,000 encoded-like 200-d latents', (t) => {
  const { python, why } = checkerPython();
  if (!python) return t.skip(`no reference Python: ${why}`);
  const n = 1000;
  const d = 200;
  const z = latents(n, d, 7);
  const t0 = performance.now();
  const pca = latentPca(z, d, { components: 16, source: 'test' });
  const ms = performance.now() - t0;
  t.diagnostic(`latentPca on ${n} x ${d}: ${ms.toFixed(0)} ms`);
  const dir = mkdtempSync(join(tmpdir(), 'lk-pca-'));
  try {
    writeFileSync(join(dir, 'z.f32'), z);
    const script = [
      'import json, sys, numpy as np',
      `z = np.fromfile(sys.argv[1], dtype=np.float32).astype(np.float64).reshape(${n}, ${d})`,
      'c = np.cov(z, rowvar=False)',
      'w, v = np.linalg.eigh(c)',
      'o = np.argsort(w)[::-1][:16]',
      'print(json.dumps({"mean": z.mean(0).tolist(), "values": w[o].tolist(), "ratio": (w[o] / np.trace(c)).tolist(), "vectors": v[:, o].T.tolist()}))',
    ].join('\n');
    const r = spawnSync(python, ['-c', script, join(dir, 'z.f32')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as { mean: number[]; values: number[]; ratio: number[]; vectors: number[][] };
    pca.mean.forEach((m, j) => assert.ok(Math.abs(m - ref.mean[j]) < 1e-9, `mean[${j}]`));
    pca.explainedVariance.forEach((v, k) => assert.ok(Math.abs(v - ref.values[k]) < 1e-9 * ref.values[0], `eigenvalue ${k}: ${v} vs numpy ${ref.values[k]}`));
    pca.explainedVarianceRatio.forEach((v, k) => assert.ok(Math.abs(v - ref.ratio[k]) < 1e-9, `ratio ${k}`));
    // Components agree up to sign (|cos| = 1) where the eigenvalue is well separated from its neighbours.
    pca.components.forEach((c, k) => {
      const gap = Math.min(...[k - 1, k + 1].filter((l) => l >= 0 && l < 16).map((l) => Math.abs(ref.values[l] - ref.values[k]))) / ref.values[0];
      if (gap < 1e-3) return;
      assert.ok(Math.abs(Math.abs(dot(c, ref.vectors[k])) - 1) < 1e-7, `component ${k}: |cos| = ${Math.abs(dot(c, ref.vectors[k]))}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latentPca: explained ratios sum to 1 with every component; projections have the component variances', () => {
  const d = 8;
  const n = 400;
  const z = latents(n, d, 3);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const pca = latentPca(z, d, { labels, maxPoints: n });
  assert.equal(pca.components.length, d);
  assert.ok(Math.abs(pca.explainedVarianceRatio.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const pts = pca.points!;
  assert.equal(pts.length, n);
  assert.deepEqual(pts.slice(0, 4).map((p) => p[2]), [0, 1, 2, 0]);
  const varOf = (k: 0 | 1) => pts.reduce((s, p) => s + p[k] * p[k], 0) / (n - 1);
  assert.ok(Math.abs(varOf(0) - pca.explainedVariance[0]) < 1e-4 * pca.explainedVariance[0]);
  assert.ok(Math.abs(varOf(1) - pca.explainedVariance[1]) < 1e-4 * pca.explainedVariance[0]);
  assert.throws(() => latentPca(new Float32Array(3), 3), /at least 2 rows/);
});
