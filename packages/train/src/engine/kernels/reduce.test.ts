// Sum and Mean (our leading-axes fast path, and the stock fallback for other axes) against cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { maxRelativeError, randomValues, runOn } from './test-util.ts';

const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [3, 5, 7, 4], axis: [0, 1, 2], keepDims: false }, // BatchNorm's per-channel reduction
  { shape: [3, 5, 7, 4], axis: [0, 1, 2], keepDims: true },
  { shape: [3, 5, 7, 4], axis: [2, 0, 1], keepDims: false }, // same axes, any order
  { shape: [9, 13], axis: 0, keepDims: false },
  { shape: [2, 3, 5], axis: [0, 1], keepDims: true },
  { shape: [4, 6, 3], axis: -1, keepDims: false }, // innermost: stock kernel
  { shape: [4, 6, 3], axis: [0, 2], keepDims: false }, // mixed: stock kernel
  { shape: [4, 6, 3], axis: [0, 1, 2], keepDims: false }, // all axes: stock kernel
  { shape: [128, 8, 8, 64], axis: [0, 1, 2], keepDims: false },
];

for (const op of ['sum', 'mean'] as const) {
  for (const c of cases) {
    test(`${op} over axes ${JSON.stringify(c.axis)} of [${c.shape}] (keepDims ${c.keepDims}) on wasm matches cpu`, async () => {
      const values = randomValues(c.shape.reduce((a, b) => a * b, 1), 7);
      const run = () => tf[op](tf.tensor(values, c.shape), c.axis, c.keepDims);
      const expected = await runOn('cpu', run);
      const actual = await runOn('wasm', run);
      assert.deepEqual(actual.shape, expected.shape);
      const err = maxRelativeError(actual.values, expected.values);
      assert.ok(err < 1e-5, `max relative error ${err}`);
    });
  }
}

test('int32 sums take the stock kernel and stay exact', async () => {
  const run = () => tf.sum(tf.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), 0);
  const actual = await runOn('wasm', run);
  assert.deepEqual([...actual.values], [9, 12]);
});
