import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttributeMeans } from './attribute-vector.ts';
import { createRng, normals } from '@latentkit/format';

test('finds the direction that separates positives from negatives and stops once the means settle', () => {
  // Latents ~ N(0, 1) in 4-d; positives shifted by +1.5 along axis 2.
  const rng = createRng(3);
  const means = new AttributeMeans(4, 0.08);
  let batches = 0;
  while (!means.converged && batches < 500) {
    const z = normals(rng, 128 * 4);
    const labels = Array.from({ length: 128 }, () => (rng() < 0.3 ? 1 : -1));
    labels.forEach((l, i) => {
      if (l > 0) z[i * 4 + 2] += 1.5;
    });
    means.add(z, (i) => labels[i]);
    batches++;
  }
  const r = means.result();
  assert.ok(r.converged && r.batches < 500, `batches ${r.batches}`);
  assert.ok(Math.abs(Math.hypot(...r.vector) - 1) < 1e-6);
  assert.ok(r.vector[2] > 0.95, `vector ${[...r.vector]}`);
  assert.ok(Math.abs(r.distance - 1.5) < 0.3, `distance ${r.distance}`);
  assert.equal(r.positives + r.negatives, r.batches * 128);
});

test('counts 0/false labels as negatives, as CelebA -1', () => {
  const m = new AttributeMeans(1, 0);
  m.add(Float32Array.from([2, 0, 0]), (i) => [true, false, 0][i]);
  assert.equal(m.positives, 1);
  assert.equal(m.negatives, 2);
  assert.deepEqual([...m.result().vector], [1]);
});
