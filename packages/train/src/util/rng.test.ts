import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, randomNormal, shuffledIndices } from './rng.ts';

test('the same seed gives the same sequence, another seed a different one', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const sa = Array.from({ length: 100 }, a), sb = Array.from({ length: 100 }, b), sc = Array.from({ length: 100 }, c);
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('seed 0 gives the reference mulberry32 sequence', () => {
  // Pinned so a browser or a later Node build cannot drift silently (0.26642920868... first).
  const r = createRng(0);
  const first = [r(), r(), r()].map((v) => Math.round(v * 4294967296));
  assert.deepEqual(first, [1144304738, 1416247, 958946056]);
});

test('uniform draws stay in [0, 1) with mean ~0.5 and variance ~1/12', () => {
  const r = createRng(7);
  let sum = 0, sq = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const v = r();
    assert.ok(v >= 0 && v < 1);
    sum += v;
    sq += v * v;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(sq / n - mean * mean - 1 / 12) < 0.002);
});

test('randomNormal fills odd lengths with mean ~0 and std ~1, all finite', () => {
  const out = randomNormal(createRng(1), new Float32Array(100_001));
  let sum = 0, sq = 0;
  for (const v of out) {
    assert.ok(Number.isFinite(v));
    sum += v;
    sq += v * v;
  }
  const mean = sum / out.length;
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(sq / out.length - mean * mean) - 1) < 0.02);
  assert.notEqual(out[100_000], 0);
});

test('shuffledIndices is a permutation fixed by its seed', () => {
  const p = shuffledIndices(1000, 5);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, shuffledIndices(1000, 5));
  assert.notDeepEqual(p, shuffledIndices(1000, 6));
  assert.equal(shuffledIndices(0, 1).length, 0);
  assert.throws(() => shuffledIndices(-1, 1), /integer/);
});
