import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { binaryCrossentropy, klDivergence, meanSquaredError, modelLoss, KERAS_EPSILON } from './losses.ts';

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// Hand computation of Keras's BCE for one element.
function kerasBce(t: number, p: number): number {
  const e = KERAS_EPSILON;
  const q = Math.min(Math.max(p, e), 1 - e);
  return -(t * Math.log(q + e) + (1 - t) * Math.log(1 - q + e));
}

const target = [0, 1, 0.5, 1, 0, 0.25];
const output = [0.1, 0.8, 0.5, 1, 0, 0.9];

test('binary cross-entropy clips like Keras and averages every pixel', () => {
  const want = target.reduce((s, t, i) => s + kerasBce(t, output[i]), 0) / target.length;
  const got = binaryCrossentropy(tf.tensor4d(target, [2, 1, 3, 1]), tf.tensor4d(output, [2, 1, 3, 1])).dataSync()[0];
  close(got, want);
  // p = 1 and p = 0 stay finite thanks to the clip.
  assert.ok(Number.isFinite(got));
  close(kerasBce(1, 1), -Math.log(1 - KERAS_EPSILON + KERAS_EPSILON));
});

test('MSE and KL match hand-computed values', () => {
  const mse = target.reduce((s, t, i) => s + (t - output[i]) ** 2, 0) / target.length;
  close(meanSquaredError(tf.tensor(target), tf.tensor(output)).dataSync()[0], mse);
  const mean = [[0.5, -1], [0, 2]];
  const logVar = [[0, 0.5], [-1, 0.1]];
  const perImage = mean.map((m, i) =>
    m.reduce((s, mu, j) => s - 0.5 * (1 + logVar[i][j] - mu * mu - Math.exp(logVar[i][j])), 0),
  );
  close(klDivergence(tf.tensor2d(mean), tf.tensor2d(logVar)).dataSync()[0], (perImage[0] + perImage[1]) / 2);
});

test('modelLoss weights the reconstruction by the book\'s beta and adds the KL', () => {
  const images = tf.tensor4d(target, [2, 1, 3, 1]);
  const reconstruction = tf.tensor4d(output, [2, 1, 3, 1]);
  const zMean = tf.tensor2d([[0.5, -1], [0, 2]]);
  const zLogVar = tf.tensor2d([[0, 0.5], [-1, 0.1]]);
  const bce = binaryCrossentropy(images, reconstruction).dataSync()[0];
  const kl = klDivergence(zMean, zLogVar).dataSync()[0];
  const mse = meanSquaredError(images, reconstruction).dataSync()[0];

  const ae = modelLoss('ae', { images, reconstruction });
  close(ae.total.dataSync()[0], bce);
  assert.equal(ae.kl, undefined);

  const vae = modelLoss('vae', { images, reconstruction, zMean, zLogVar });
  close(vae.reconstruction.dataSync()[0], 500 * bce);
  close(vae.kl!.dataSync()[0], kl);
  close(vae.total.dataSync()[0], 500 * bce + kl);

  const faces = modelLoss('faces-vae', { images, reconstruction, zMean, zLogVar });
  close(faces.total.dataSync()[0], 2000 * mse + kl);
  close(modelLoss('vae', { images, reconstruction, zMean, zLogVar }, { lossScale: 1 }).total.dataSync()[0], bce + kl);
  assert.throws(() => modelLoss('vae', { images, reconstruction }), /needs zMean and zLogVar/);
});

test('modelLoss of a spec: loss.scale x (BCE | MSE) + beta x KL; the KL weight of a step replaces beta', () => {
  const images = tf.tensor4d(target, [2, 1, 3, 1]);
  const reconstruction = tf.tensor4d(output, [2, 1, 3, 1]);
  const zMean = tf.tensor2d([[0.5, -1], [0, 2]]);
  const zLogVar = tf.tensor2d([[0, 0.5], [-1, 0.1]]);
  const bce = binaryCrossentropy(images, reconstruction).dataSync()[0];
  const mse = meanSquaredError(images, reconstruction).dataSync()[0];
  const kl = klDivergence(zMean, zLogVar).dataSync()[0];
  const spec = { type: 'vae', loss: { type: 'mse', scale: 300 }, beta: 4 } as const;
  const l = modelLoss(spec, { images, reconstruction, zMean, zLogVar });
  close(l.reconstruction.dataSync()[0], 300 * mse);
  close(l.kl!.dataSync()[0], kl); // metrics keep the unweighted KL
  close(l.total.dataSync()[0], 300 * mse + 4 * kl);
  close(modelLoss(spec, { images, reconstruction, zMean, zLogVar }, { klWeight: 0 }).total.dataSync()[0], 300 * mse);
  const ae = modelLoss({ type: 'ae', loss: { type: 'mse', scale: 10 }, beta: 1 }, { images, reconstruction });
  close(ae.total.dataSync()[0], 10 * mse);
  assert.equal(ae.kl, undefined);
  close(modelLoss({ type: 'ae', loss: { type: 'bce', scale: 1 }, beta: 1 }, { images, reconstruction }).total.dataSync()[0], bce);
});
