import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as train from '@latentkit/train/util/rng.ts';
import { createRng, normals, randomNormal } from './rng.ts';

test('draws exactly what packages/train draws for the same seed', () => {
  for (const seed of [0, 1, 42, 2 ** 31 - 1, 2 ** 32 - 1, -7, 1e12]) {
    const a = createRng(seed);
    const b = train.createRng(seed);
    for (let i = 0; i < 100; i++) assert.equal(a(), b());
    assert.deepEqual(randomNormal(createRng(seed), new Float32Array(33)), train.randomNormal(train.createRng(seed), new Float32Array(33)));
  }
});

test('same seed gives the same normals; temperature scales them', () => {
  const a = normals(createRng(7), 1000);
  assert.deepEqual(a, normals(createRng(7), 1000));
  assert.notDeepEqual(a, normals(createRng(8), 1000));
  const half = normals(createRng(7), 1000, 0.5);
  for (let i = 0; i < 1000; i++) assert.equal(half[i], Math.fround(a[i] * 0.5));
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(sd - 1) < 0.1, `mean ${mean}, sd ${sd}`);
});
