import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../engine/select.ts';
import { testEngines } from '../engine/test-engines.ts';
import { buildModel } from '@latentkit/models';
import { Adam } from '@latentkit/models';
import { computeGradients, evaluateBatch, trainStep } from './step.ts';
import { nonTrainableVariables, trainableVariables } from './weights.ts';

function batch(shape: readonly number[], n: number, seed: number) {
  return tf.randomUniform([n, ...shape] as [number, number, number, number], 0, 1, 'float32', seed) as tf.Tensor4D;
}

function maxRelDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

for (const { engine, skip } of testEngines()) {
  describe(`training steps on ${engine}`, { skip }, () => {
    before(() => initEngine(engine, { log: () => {} }));

    test('micro-batch accumulation gives the one-batch gradient and losses (VAE, uneven split)', () => {
      const pair = buildModel('vae', { seed: 5 });
      const x = batch(pair.imageShape, 10, 1);
      const eps = tf.randomNormal([10, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
      const whole = computeGradients(pair, x, { eps });
      const split = computeGradients(pair, x, { eps, microBatch: 4 }); // 4 + 4 + 2
      assert.deepEqual(Object.keys(split.grads), Object.keys(whole.grads));
      assert.deepEqual(Object.keys(whole.grads), [...trainableVariables(pair).keys()]);
      assert.ok(Object.keys(whole.grads).includes('encoder/z_mean/kernel'));
      for (const key of Object.keys(whole.grads)) {
        const d = maxRelDiff(whole.grads[key].dataSync(), split.grads[key].dataSync());
        assert.ok(d < 1e-5, `${key}: relative difference ${d}`);
      }
      assert.ok(Math.abs(whole.losses.total - split.losses.total) < 1e-4 * whole.losses.total);
      assert.ok(Math.abs(whole.losses.kl! - split.losses.kl!) < 1e-4);
      assert.equal(split.count, 10);
      tf.dispose([...Object.values(whole.grads), ...Object.values(split.grads)]);
    });

    test('faces VAE micro-batches: BN moving means move as with one batch, once per step', () => {
      const a = buildModel('faces-vae', { seed: 6, latentDim: 8 });
      const b = buildModel('faces-vae', { seed: 6, latentDim: 8 });
      const x = batch(a.imageShape, 8, 3);
      const eps = tf.randomNormal([8, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
      const ga = computeGradients(a, x, { eps });
      const gb = computeGradients(b, x, { eps, microBatch: 4 });
      const ma = nonTrainableVariables(a);
      const mb = nonTrainableVariables(b);
      const key = 'encoder/encoder_bn_1/moving_mean';
      assert.ok(ma.has(key));
      // The first BN layer sees the same conv outputs either way, so its moving mean matches exactly.
      assert.ok(maxRelDiff(ma.get(key)!.dataSync(), mb.get(key)!.dataSync()) < 1e-5);
      // And it moved once (momentum 0.99 from zero): 0.01 * batch mean, not 0.0199 * ... as two updates would.
      const conv = tf.tidy(() => a.encoder.getLayer('encoder_conv_1').apply(x) as tf.Tensor);
      const want = tf.tidy(() => tf.mul(tf.mean(conv, [0, 1, 2]), 0.01));
      assert.ok(maxRelDiff(want.dataSync(), mb.get(key)!.dataSync()) < 1e-4);
      tf.dispose([conv, want, ...Object.values(ga.grads), ...Object.values(gb.grads)]);
    });

    test('trainStep lowers the loss on a fixed batch and leaks no tensors', () => {
      const pair = buildModel('ae', { seed: 2 });
      const opt = new Adam({ learningRate: 1e-3 });
      const x = batch(pair.imageShape, 16, 9);
      const first = trainStep(pair, opt, x);
      const before = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 5; i++) last = trainStep(pair, opt, x);
      assert.equal(tf.memory().numTensors, before);
      assert.ok(last.total < first.total, `loss ${first.total} -> ${last.total}`);
      assert.equal(opt.step, 6);
      const val = evaluateBatch(pair, x);
      assert.ok(Number.isFinite(val.total) && val.kl === undefined);
      assert.throws(() => computeGradients(pair, batch([64, 64, 3], 2, 1)), /takes \[n, 32, 32, 1\]/);
    });
  });
}
