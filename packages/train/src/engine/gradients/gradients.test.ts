// Our FusedBatchNorm and LeakyRelu gradients (wasm) against tfjs's own formulas (cpu).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maxRelativeError, randomValues, runOn } from '../kernels/test-util.ts';
import { withStockGradients } from './register.ts';

/** BatchNormalization (training mode, as in the faces VAE) + LeakyReLU, d(loss)/d(input, gamma, beta). */
function bnLeakyGrads(shape: number[], seed: number) {
  return () => {
    const layer = tfl.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 });
    const act = tfl.layers.leakyReLU({ alpha: 0.3 });
    const x = tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape);
    layer.build(x.shape);
    const channels = shape[shape.length - 1]!;
    layer.setWeights([
      tf.add(tf.tensor(randomValues(channels, seed + 1)), 1.5), // gamma
      tf.tensor(randomValues(channels, seed + 2)), // beta
      tf.zeros([channels]),
      tf.ones([channels]),
    ]);
    const target = tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed + 3), shape);
    const f = (input: tf.Tensor) => {
      const y = act.apply(layer.apply(input, { training: true })) as tf.Tensor;
      return tf.sum(tf.square(tf.sub(y, target))) as tf.Scalar;
    };
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => f(x), vars);
    const dx = tf.grad(f)(x);
    const flat = (t: tf.Tensor) => tf.reshape(t, [-1]);
    return tf.concat([flat(value), flat(dx), ...vars.map((v) => flat(grads[v.name]!))]);
  };
}

for (const shape of [[4, 5, 6, 8], [3, 7, 5, 3], [16, 12]]) {
  test(`BatchNorm + LeakyReLU gradients on wasm (our formulas) match tfjs's formulas on cpu, input [${shape}]`, async () => {
    const run = bnLeakyGrads(shape, 11);
    const actual = await runOn('wasm', run);
    // runOn('wasm') registered our gradients; the reference puts tfjs's back for the cpu run.
    const expected = await withStockGradients(() => runOn('cpu', run));
    assert.deepEqual(actual.shape, expected.shape);
    const err = maxRelativeError(actual.values, expected.values);
    assert.ok(err < 2e-5, `max relative error ${err}`);
  });
}

test('LeakyRelu gradient: dy for x > 0, alpha * dy for x <= 0 (0 included)', async () => {
  const run = () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(x, 0.2), tf.tensor([1, 2, 3, 4, 5]))))(tf.tensor([-2, -0.5, 0, 0.5, 3]));
  const ours = await runOn('wasm', run);
  const stock = await withStockGradients(() => runOn('cpu', run));
  assert.deepEqual([...ours.values].map((v) => Number(v.toFixed(6))), [0.2, 0.4, 0.6, 4, 5]);
  assert.deepEqual([...ours.values], [...stock.values]);
});
