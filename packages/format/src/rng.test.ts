import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, normals, permutation, randomNormal, shuffledIndices } from './rng.ts';

// Pinned outputs of the generator train and runtime used before this package (packages/train
// src/util/rng.ts and its runtime copy): existing seeds, checkpoints and tests keep their results.
test('seeds give the pinned mulberry32 sequences', () => {
  const draw = (seed: number, n: number) => {
    const r = createRng(seed);
    return Array.from({ length: n }, () => Math.round(r() * 4294967296));
  };
  assert.deepEqual(draw(0, 3), [1144304738, 1416247, 958946056]);
  assert.deepEqual(draw(42, 5), [2581720956, 1925393290, 3661312704, 2876485805, 750819978]);
  assert.deepEqual(draw(1e12, 3), [3060472083, 4189539781, 1167500069]);
});

test('normals, permutations and shuffles give the pinned values', () => {
  assert.deepEqual(
    Array.from(randomNormal(createRng(7), new Float32Array(5))),
    [0.1419704407453537, 0.05824071541428566, -0.864253044128418, -2.6056809425354004, -1.0063663721084595],
  );
  assert.deepEqual(Array.from(normals(createRng(-7), 3, 0.5)), [-0.24301515519618988, 0.4740263819694519, -0.6219893097877502]);
  assert.deepEqual(Array.from(shuffledIndices(10, 5)), [5, 3, 7, 8, 2, 0, 4, 1, 9, 6]);
  assert.deepEqual(Array.from(permutation(createRng(9), 10)), [6, 0, 2, 8, 3, 4, 5, 9, 7, 1]);
  assert.deepEqual(shuffledIndices(1000, 3), permutation(createRng(3), 1000));
});

test('uniform draws stay in [0, 1) with mean ~0.5 and variance ~1/12; normals ~N(0, 1), all finite', () => {
  const r = createRng(7);
  let sum = 0, sq = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const v = r();
    assert.ok(v >= 0 && v < 1);
    sum += v;
    sq += v * v;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  assert.ok(Math.abs(sq / n - (sum / n) ** 2 - 1 / 12) < 0.002);
  const z = randomNormal(createRng(1), new Float32Array(100_001));
  const mean = z.reduce((s, x) => s + x, 0) / z.length;
  const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length);
  assert.ok(z.every(Number.isFinite) && Math.abs(mean) < 0.02 && Math.abs(sd - 1) < 0.02, `mean ${mean}, sd ${sd}`);
  assert.notEqual(z[100_000], 0);
});

test('temperature scales the same normals; bad seeds and sizes are refused', () => {
  const a = normals(createRng(7), 1000);
  const half = normals(createRng(7), 1000, 0.5);
  for (let i = 0; i < 1000; i++) assert.equal(half[i], Math.fround(a[i] * 0.5));
  assert.throws(() => createRng(Number.NaN), /seed must be a finite number, received NaN/);
  assert.throws(() => shuffledIndices(-1, 1), /n must be an integer/);
  assert.equal(shuffledIndices(0, 1).length, 0);
});
