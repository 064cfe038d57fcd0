import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { maxRelativeError, randomValues, runOn } from './test-util.ts';

const cases: { shape: number[]; reps: number[] }[] = [
  { shape: [1, 1, 1, 5], reps: [3, 4, 7, 1] }, // BatchNorm's gradient: a channel vector over NHWC
  { shape: [2, 3], reps: [2, 3] },
  { shape: [7], reps: [5] },
  { shape: [2, 1, 3], reps: [1, 4, 2] },
  { shape: [3, 2, 2, 3], reps: [2, 1, 3, 2] },
  { shape: [2, 3], reps: [1, 1] },
];

for (const c of cases) {
  test(`tile [${c.shape}] by [${c.reps}] on wasm matches cpu`, async () => {
    const values = randomValues(c.shape.reduce((a, b) => a * b, 1), 3);
    const run = () => tf.tile(tf.tensor(values, c.shape), c.reps);
    const expected = await runOn('cpu', run);
    const actual = await runOn('wasm', run);
    assert.deepEqual(actual.shape, expected.shape);
    assert.equal(maxRelativeError(actual.values, expected.values), 0);
  });
}

test('int32 and bool tiles take the stock kernel', async () => {
  const ints = await runOn('wasm', () => tf.tile(tf.tensor([1, 2], [2], 'int32'), [2]));
  assert.deepEqual([...ints.values], [1, 2, 1, 2]);
  const bools = await runOn('wasm', () => tf.cast(tf.tile(tf.tensor([true, false], [2], 'bool'), [2]), 'int32'));
  assert.deepEqual([...bools.values], [1, 0, 1, 0]);
});
