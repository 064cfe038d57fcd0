import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maxRelativeError, randomValues, runOn } from './test-util.ts';

interface Case { n: number; h: number; w: number; ci: number; co: number; k: [number, number]; s: number; pad: 'same' | 'valid' }

const cases: Case[] = [];
for (const s of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    cases.push({ n: 3, h: 7, w: 9, ci: 2, co: 5, k: [3, 3], s, pad });
    cases.push({ n: 2, h: 8, w: 8, ci: 4, co: 3, k: [3, 3], s, pad });
    cases.push({ n: 1, h: 5, w: 6, ci: 1, co: 1, k: [2, 3], s, pad });
    cases.push({ n: 4, h: 11, w: 10, ci: 3, co: 8, k: [5, 5], s, pad });
    cases.push({ n: 2, h: 6, w: 7, ci: 3, co: 2, k: [1, 1], s, pad });
  }
}
cases.push({ n: 2, h: 9, w: 10, ci: 2, co: 3, k: [3, 3], s: 3, pad: 'same' });
cases.push({ n: 2, h: 10, w: 10, ci: 2, co: 3, k: [2, 2], s: 3, pad: 'valid' });
cases.push({ n: 5, h: 16, w: 16, ci: 32, co: 64, k: [3, 3], s: 2, pad: 'same' });

for (const c of cases) {
  test(`Conv2DBackpropInput on wasm matches cpu: dx ${c.n}x${c.h}x${c.w}x${c.ci}, kernel ${c.k.join('x')}<-${c.co}, stride ${c.s}, ${c.pad}`, async () => {
    const inputShape: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
    const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.ci, c.co];
    const outShape = tf.conv2d(tf.zeros(inputShape) as tf.Tensor4D, tf.zeros(filterShape) as tf.Tensor4D, c.s, c.pad).shape;
    const dyv = randomValues(outShape.reduce((a, b) => a * b, 1), 3);
    const fv = randomValues(filterShape.reduce((a, b) => a * b, 1), 4);
    const run = () => tf.engine().runKernel('Conv2DBackpropInput',
      { dy: tf.tensor(dyv, outShape), filter: tf.tensor4d(fv, filterShape) },
      { strides: [c.s, c.s], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape } as never) as tf.Tensor;
    const expected = await runOn('cpu', run);
    const actual = await runOn('wasm', run);
    assert.deepEqual(actual.shape, inputShape);
    assert.deepEqual(expected.shape, inputShape);
    const err = maxRelativeError(actual.values, expected.values);
    assert.ok(err < 1e-5, `max relative error ${err}`);
  });
}

// Conv2DTranspose layers run Conv2DBackpropInput in their forward pass, so their outputs (and the
// gradients through them) must match too: the book's decoders are built from them.
for (const s of [1, 2]) {
  for (const padding of ['same', 'valid'] as const) {
    test(`Conv2DTranspose layer forward and gradients on wasm match cpu (stride ${s}, ${padding})`, async () => {
      const xv = randomValues(3 * 5 * 6 * 4, 5);
      const layerRun = () => {
        const layer = tfl.layers.conv2dTranspose({ filters: 6, kernelSize: 3, strides: s, padding, activation: 'relu', kernelInitializer: 'glorotUniform', biasInitializer: 'ones' });
        const x = tf.tensor4d(xv, [3, 5, 6, 4]);
        layer.build(x.shape);
        // Deterministic weights, identical on both backends.
        layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(randomValues(w.size, 10 + i), w.shape)));
        const f = (input: tf.Tensor) => tf.sum(tf.square(layer.apply(input) as tf.Tensor));
        const y = layer.apply(x) as tf.Tensor;
        const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const { grads } = tf.variableGrads(() => f(x) as tf.Scalar, vars);
        const dx = tf.grad(f)(x);
        const flat = (t: tf.Tensor) => tf.reshape(t, [-1]);
        return tf.concat([flat(y), flat(dx), ...vars.map((v) => flat(grads[v.name]!))]);
      };
      const expected = await runOn('cpu', layerRun);
      const actual = await runOn('wasm', layerRun);
      assert.deepEqual(actual.shape, expected.shape);
      const err = maxRelativeError(actual.values, expected.values);
      assert.ok(err < 1e-5, `max relative error ${err}`);
    });
  }
}
