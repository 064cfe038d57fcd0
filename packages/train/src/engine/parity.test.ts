/**
 * Kernel and gradient parity on every engine (test-engines.ts): the operations of the book's models,
 * forward and backward, on the engine against tfjs's pure-JS cpu backend. Per-kernel tests of our wasm
 * kernels live in kernels/; this suite is the same check for whichever engine trains.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients, as in training
import { maxRelativeError, randomValues } from './kernels/test-util.ts';
import { initEngine } from './select.ts';
import { testEngines, type TestEngine } from './test-engines.ts';

const flat = (t: tf.Tensor) => tf.reshape(t, [-1]);
const t4 = (shape: [number, number, number, number], seed: number) => tf.tensor4d(randomValues(shape.reduce((a, b) => a * b), seed), shape);

/** Each case returns one tensor: the output and every gradient, flattened and concatenated. */
const CASES: Record<string, () => tf.Tensor> = {
  'Conv2D stride 2 same, with its input and filter gradients': () => {
    const x = t4([3, 9, 9, 4], 1);
    const w = t4([3, 3, 4, 8], 2);
    const dy = t4([3, 5, 5, 8], 3);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), dy));
    const [dx, dw] = tf.grads(f)([x, w]);
    return tf.concat([flat(tf.conv2d(x, w, 2, 'same')), flat(dx!), flat(dw!)]);
  },
  'Conv2D stride 1 same, 1 input channel (the book\'s last decoder layer)': () => {
    const x = t4([2, 8, 8, 32], 4);
    const w = t4([3, 3, 32, 1], 5);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.sigmoid(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))));
    const [dx, dw] = tf.grads(f)([x, w]);
    return tf.concat([flat(dx!), flat(dw!)]);
  },
  'Conv2DTranspose stride 2 same, with its gradients': () => {
    const x = t4([2, 4, 4, 8], 6);
    const w = t4([3, 3, 4, 8], 7);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 8, 4], 2, 'same')));
    const [dx, dw] = tf.grads(f)([x, w]);
    return tf.concat([flat(tf.conv2dTranspose(x, w, [2, 8, 8, 4], 2, 'same')), flat(dx!), flat(dw!)]);
  },
  'BatchNorm (batch statistics) + LeakyReLU, with gradients': () => {
    const x = t4([4, 6, 6, 8], 8);
    const gamma = tf.add(tf.tensor1d(randomValues(8, 9)), 1.5);
    const beta = tf.tensor1d(randomValues(8, 10));
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      const y = tf.leakyRelu(tf.batchNorm(a, mean, variance, b, g, 1e-3), 0.3);
      return tf.sum(tf.square(tf.sub(y, 0.2)));
    };
    const [dx, dg, db] = tf.grads(f)([x, gamma, beta]);
    return tf.concat([flat(dx!), flat(dg!), flat(db!)]);
  },
  'Dense + sigmoid cross-entropy, with gradients': () => {
    const x = tf.tensor2d(randomValues(16 * 64, 11), [16, 64]);
    const w = tf.tensor2d(randomValues(64 * 10, 12), [64, 10]);
    const target = tf.abs(tf.tensor2d(randomValues(160, 13), [16, 10]));
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const p = tf.sigmoid(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
      return tf.mean(tf.neg(tf.add(tf.mul(target, tf.log(tf.add(p, 1e-7))), tf.mul(tf.sub(1, target), tf.log(tf.add(tf.sub(1, p), 1e-7))))));
    };
    const [dx, dw] = tf.grads(f)([x, w]);
    return tf.concat([flat(dx!), flat(dw!)]);
  },
};

async function valuesOn(engine: TestEngine | 'cpu', fn: () => tf.Tensor): Promise<Float32Array> {
  await initEngine(engine, { log: () => {} });
  const t = tf.tidy(fn);
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

for (const { engine, skip } of testEngines()) {
  describe(`kernel and gradient parity on ${engine}`, { skip }, () => {
    for (const [name, fn] of Object.entries(CASES)) {
      test(`${name}: ${engine} matches the pure-JS cpu backend`, async () => {
        const expected = await valuesOn('cpu', fn);
        const actual = await valuesOn(engine, fn);
        const err = maxRelativeError(actual, expected);
        assert.ok(err < 1e-5, `relative error ${err}`);
      });
    }
  });
}
