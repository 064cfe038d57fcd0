import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilter, type FilterGradForm } from './Conv2DBackpropFilter.ts';
import { maxRelativeError, randomValues, runOn } from './test-util.ts';

interface Case { n: number; h: number; w: number; ci: number; co: number; k: [number, number]; s: number; pad: 'same' | 'valid' }

const cases: Case[] = [];
for (const s of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    cases.push({ n: 3, h: 7, w: 9, ci: 2, co: 5, k: [3, 3], s, pad });
    cases.push({ n: 2, h: 8, w: 8, ci: 4, co: 3, k: [3, 3], s, pad });
    cases.push({ n: 1, h: 5, w: 6, ci: 1, co: 1, k: [2, 3], s, pad });
    cases.push({ n: 4, h: 11, w: 10, ci: 3, co: 8, k: [5, 5], s, pad });
  }
}
cases.push({ n: 2, h: 9, w: 9, ci: 2, co: 3, k: [3, 3], s: 3, pad: 'same' });
cases.push({ n: 5, h: 16, w: 16, ci: 32, co: 64, k: [3, 3], s: 2, pad: 'same' });
// The shapes of the book's first and last layers, where the matrix-product forms are picked.
cases.push({ n: 3, h: 12, w: 12, ci: 32, co: 1, k: [3, 3], s: 1, pad: 'same' });
cases.push({ n: 2, h: 16, w: 16, ci: 3, co: 16, k: [3, 3], s: 1, pad: 'same' });
cases.push({ n: 3, h: 16, w: 16, ci: 1, co: 8, k: [3, 3], s: 2, pad: 'same' });
cases.push({ n: 40, h: 8, w: 8, ci: 8, co: 16, k: [3, 3], s: 2, pad: 'same' }); // uneven chunks of 7

for (const c of cases) {
  test(`Conv2DBackpropFilter on wasm matches cpu: x ${c.n}x${c.h}x${c.w}x${c.ci}, kernel ${c.k.join('x')}->${c.co}, stride ${c.s}, ${c.pad}`, async () => {
    const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.ci, c.co];
    const xv = randomValues(c.n * c.h * c.w * c.ci, 1);
    // The output size follows from the forward conv; compute it on cpu once.
    const outShape = tf.conv2d(tf.zeros([c.n, c.h, c.w, c.ci]) as tf.Tensor4D, tf.zeros(filterShape) as tf.Tensor4D, c.s, c.pad).shape;
    const dyv = randomValues(outShape.reduce((a, b) => a * b, 1), 2);
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter',
      { x: tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]), dy: tf.tensor(dyv, outShape) },
      { strides: [c.s, c.s], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as never) as tf.Tensor;
    const expected = await runOn('cpu', run);
    assert.deepEqual(expected.shape, filterShape);
    // The registered kernel (which picks a form by shape), then every form forced.
    const variants: [string, () => tf.Tensor][] = [['kernel', run]];
    const forms: [FilterGradForm, number | undefined][] = [['conv', undefined], ['conv', 7], ['x-cols', undefined], ['dy-cols', undefined]];
    for (const [form, chunk] of forms) {
      variants.push([`${form}${chunk ? ` in chunks of ${chunk} images` : ''}`, () => {
        const info = conv2DBackpropFilter({
          inputs: { x: tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]), dy: tf.tensor(dyv, outShape) },
          backend: tf.backend(),
          attrs: { strides: [c.s, c.s], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as never,
        }, form, chunk);
        return tf.engine().makeTensorFromTensorInfo(info);
      }]);
    }
    for (const [label, fn] of variants) {
      const actual = await runOn('wasm', fn);
      assert.deepEqual(actual.shape, filterShape, label);
      const err = maxRelativeError(actual.values, expected.values);
      assert.ok(err < 1e-5, `${label}: max relative error ${err}`);
    }
  });
}

test('Conv2DBackpropFilter on wasm rejects NCHW with a clear message', async () => {
  await runOn('wasm', () => tf.scalar(0));
  assert.throws(() => tf.engine().runKernel('Conv2DBackpropFilter',
    { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) },
    { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] } as never), /NHWC/);
});
