import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, parseModelSpec, randomNormal } from '@latentkit/format';
import { Uint8ImageDataset } from '@latentkit/data';
import { buildFromSpec } from '@latentkit/models';
import { ValueError } from '../errors.ts';
import { KnnClassifier } from './knn.ts';
import { psnrDb, qualityReport } from './quality-report.ts';

await tf.setBackend('cpu');

/** The k-NN vote done the slow, obvious way: sort all distances, count the k nearest labels. */
function bruteForce(refs: Float32Array, labels: Int32Array, query: Float32Array, dim: number, k: number, classes: number): number {
  const d = Array.from(labels, (_, i) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (refs[i * dim + j]! - query[j]!) ** 2;
    return { s, c: labels[i]! };
  }).sort((a, b) => a.s - b.s).slice(0, k);
  const votes = new Array<number>(classes).fill(0);
  const sums = new Array<number>(classes).fill(0);
  for (const { s, c } of d) {
    votes[c]!++;
    sums[c]! += s;
  }
  let best = 0;
  for (let c = 1; c < classes; c++) if (votes[c]! > votes[best]! || (votes[c] === votes[best] && votes[c]! > 0 && sums[c]! < sums[best]!)) best = c;
  return best;
}

test('the k-NN (k = 5, Euclidean) matches a brute-force vote on random data, ties included', async () => {
  const dim = 16;
  const n = 300;
  const classes = 4;
  const rng = createRng(9);
  const refs = randomNormal(rng, new Float32Array(n * dim));
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const queries = randomNormal(rng, new Float32Array(700 * dim)); // more than one query chunk
  const knn = new KnnClassifier(refs, labels, { k: 5, classes });
  const got = await knn.predict(queries);
  knn.dispose();
  for (let q = 0; q < 700; q++) assert.equal(got[q], bruteForce(refs, labels, queries.subarray(q * dim, (q + 1) * dim), dim, 5, classes), `query ${q}`);
  assert.throws(() => new KnnClassifier(refs.subarray(0, 3 * dim), labels.subarray(0, 3), { k: 5, classes }), ValueError);
});

test('PSNR: 10 log10(1 / MSE) for pixels in [0, 1], capped for a perfect image', () => {
  assert.equal(psnrDb(0.01), 20);
  assert.ok(Math.abs(psnrDb(0.001) - 30) < 1e-9);
  assert.equal(psnrDb(0), 100);
});

test('the report of a conditional VAE holds PSNR, the k-NN ceiling and a fidelity per class', async () => {
  // Two classes of 8x8 images that a k-NN separates perfectly: dark (value 0.1) and light (0.9) with noise.
  const n = 60;
  const rng = createRng(4);
  const noise = randomNormal(rng, new Float32Array(n * 64));
  const pixels = new Uint8Array(n * 64);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = Math.max(0, Math.min(255, Math.round(255 * ((i % 2 ? 0.9 : 0.1) + 0.03 * noise[i * 64 + p]!))));
  }
  const data = new Uint8ImageDataset({ name: 'toy', source: 'test', pixels, labels, storedShape: [8, 8, 1], imageShape: [8, 8, 1], labelNames: ['dark', 'light'] });
  const pair = buildFromSpec(parseModelSpec({ type: 'vae', inputShape: [8, 8, 1], latentDim: 2, encoder: { filters: [4] }, conditional: { classes: ['dark', 'light'] } }), { seed: 1 });
  const report = await qualityReport(pair, { train: data, validation: data }, { seed: 1, samplesPerClass: 20, referenceImages: 40 });
  assert.equal(report.reconstruction.images, n);
  assert.ok(report.reconstruction.meanDb > 0 && report.reconstruction.pooledDb <= report.reconstruction.meanDb + 1e-9);
  const c = report.conditional!;
  assert.equal(c.referenceImages, 40);
  assert.equal(c.knnAccuracy, 1);
  assert.deepEqual(c.perClass.map((p) => p.class), ['dark', 'light']);
  // An untrained decoder outputs ~0.5 grey for every label: the k-NN puts all of it in one class or the other.
  assert.ok(Math.abs(c.fidelity - (c.perClass[0]!.fidelity + c.perClass[1]!.fidelity) / 2) < 1e-12);
  assert.equal(c.ratio, c.fidelity / c.knnAccuracy);
  // An unconditional model gets the PSNR only.
  const plain = buildFromSpec(parseModelSpec({ type: 'vae', inputShape: [8, 8, 1], latentDim: 2, encoder: { filters: [4] } }), { seed: 1 });
  const r2 = await qualityReport(plain, { train: data, validation: data }, { seed: 1 });
  assert.equal(r2.conditional, undefined);
});
