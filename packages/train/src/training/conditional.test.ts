import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { parseModelSpec } from '@latentkit/format';
import { Adam, buildFromSpec, cyclingLabels, oneHotLabels, ValueError, withLabels } from '@latentkit/models';
import { computeGradients, evaluateBatch, trainStep } from './step.ts';

await tf.setBackend('cpu');

const SPEC = parseModelSpec({
  type: 'vae', inputShape: [8, 8, 1], latentDim: 2, encoder: { filters: [4, 8] }, loss: { type: 'bce', scale: 50 },
  conditional: { classes: ['dark', 'mid', 'light'] },
});

test('a conditional VAE takes [image, one-hot label] and [z, one-hot label]; the label map joins the image channels', () => {
  const pair = buildFromSpec(SPEC, { seed: 3 });
  assert.deepEqual(pair.encoder.inputs.map((i) => [i.name, i.shape]), [['encoder_input', [null, 8, 8, 1]], ['encoder_label', [null, 3]]]);
  assert.deepEqual(pair.decoder.inputs.map((i) => [i.name, i.shape]), [['decoder_input', [null, 2]], ['decoder_label', [null, 3]]]);
  assert.deepEqual(pair.encoder.getLayer('encoder_label_map').outputShape, [null, 8, 8, 3]);
  assert.deepEqual(pair.encoder.getLayer('encoder_concat').outputShape, [null, 8, 8, 4]);
  // The first conv has 1 + 3 input channels; the decoder's Dense reads z (2) + label (3).
  assert.deepEqual(pair.encoder.getLayer('encoder_conv_1').getWeights()[0]!.shape, [3, 3, 4, 4]);
  assert.deepEqual(pair.decoder.getLayer('decoder_dense').getWeights()[0]!.shape, [5, 2 * 2 * 8]);
  // The same z decodes to different images under different labels.
  const images = tf.tidy(() => pair.decoder.predict(withLabels(pair, tf.zeros([3, 2]), [0, 1, 2])) as tf.Tensor);
  const row = (i: number) => tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]);
  const gap = (i: number, j: number) => tf.tidy(() => tf.max(tf.abs(tf.sub(row(i), row(j)))).dataSync()[0]!);
  assert.ok(gap(0, 1) > 1e-4 && gap(1, 2) > 1e-4);
  images.dispose();
});

test('labels are checked: out of range, wrong count, missing for a conditional pair', () => {
  const pair = buildFromSpec(SPEC, { seed: 3 });
  assert.throws(() => oneHotLabels([0, 3], 3), (e: unknown) => e instanceof ValueError && /label 3 of image 1 is not a class index in \[0, 3\)/.test(e.message));
  assert.throws(() => tf.tidy(() => withLabels(pair, tf.zeros([2, 2]), [0])), /1 labels for 2 images/);
  assert.throws(() => tf.tidy(() => withLabels(pair, tf.zeros([2, 2]), undefined)), /conditional VAE \(3 classes\) needs a label per image/);
  const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  assert.throws(() => computeGradients(pair, x, {}), /needs a label per image; the batch has none/);
  assert.deepEqual([...cyclingLabels(7, 3)], [0, 1, 2, 0, 1, 2, 0]);
  x.dispose();
});

test('training a conditional VAE moves the weights that read the label and lowers the loss on a class-coded toy set', () => {
  const pair = buildFromSpec(SPEC, { seed: 3 });
  const n = 12;
  const labels = cyclingLabels(n, 3);
  // Class c: a flat image of grey level (c + 0.5) / 3.
  const pixels = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) pixels.fill((labels[i]! + 0.5) / 3, i * 64, (i + 1) * 64);
  const x = tf.tensor4d(pixels, [n, 8, 8, 1]);
  const eps = new Float32Array(n * 2);
  const before = evaluateBatch(pair, x, { eps, labels });
  const labelRows = () => tf.tidy(() => tf.slice(pair.decoder.getLayer('decoder_dense').getWeights()[0]!, [2, 0], [3, -1]).dataSync().slice());
  const rows0 = labelRows();
  const adam = new Adam({ learningRate: 2e-2 });
  for (let step = 0; step < 12; step++) trainStep(pair, adam, x, { eps, labels });
  const after = evaluateBatch(pair, x, { eps, labels });
  assert.ok(after.total < before.total * 0.9, `loss ${before.total} -> ${after.total}`);
  assert.ok(rows0.some((v, i) => Math.abs(v - labelRows()[i]!) > 1e-3), 'the label rows of decoder_dense changed');
  // Micro-batches split the labels with the images: same gradient as one batch.
  const whole = computeGradients(pair, x, { eps, labels });
  const split = computeGradients(pair, x, { eps, labels, microBatch: 5 });
  for (const [k, g] of Object.entries(whole.grads)) {
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g, split.grads[k]!))).dataSync()[0]! / Math.max(1e-8, tf.max(tf.abs(g)).dataSync()[0]!));
    assert.ok(d < 1e-4, `${k}: relative difference ${d}`);
  }
  tf.dispose([x, ...Object.values(whole.grads), ...Object.values(split.grads)]);
  adam.dispose();
});

test('a conditional spec beyond the book: 16x24 RGB, batch norm, leaky ReLU, latent 3, four classes', () => {
  const spec = parseModelSpec({
    type: 'vae', inputShape: [16, 24, 3], latentDim: 3, encoder: { filters: [4, 8] }, norm: 'batch', activation: { name: 'leaky_relu' },
    loss: { type: 'mse', scale: 100 }, conditional: { classes: ['a', 'b', 'c', 'd'] },
  });
  const pair = buildFromSpec(spec, { seed: 2 });
  assert.deepEqual(pair.encoder.getLayer('encoder_concat').outputShape, [null, 16, 24, 7]);
  assert.deepEqual(pair.decoder.outputs[0]!.shape, [null, 16, 24, 3]);
  const x = tf.randomUniform([4, 16, 24, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  const adam = new Adam({ learningRate: 1e-3 });
  const l = trainStep(pair, adam, x, { eps: new Float32Array(12), labels: Int32Array.from([0, 1, 2, 3]) });
  assert.ok(Number.isFinite(l.total) && l.kl !== undefined);
  x.dispose();
  adam.dispose();
});
