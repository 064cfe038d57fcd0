import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, normals } from '@latentkit/format';
import { interpolate, slerpAngle } from './interpolate.ts';

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, j) => s + x * b[j], 0);
const angle = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.acos(Math.min(1, Math.max(-1, dot(a, b) / (norm(a) * norm(b)))));
const row = (z: Float32Array, i: number, d: number) => z.subarray(i * d, (i + 1) * d);
const ts = Array.from({ length: 11 }, (_, i) => i / 10);

test('slerp between two N(0, I) draws in 200-d: the endpoints are the inputs', () => {
  const d = 200;
  const rng = createRng(3);
  const a = normals(rng, d);
  const b = normals(rng, d);
  const z = interpolate(a, b, ts, 'slerp');
  assert.deepEqual(row(z, 0, d), a);
  row(z, 10, d).forEach((v, j) => assert.ok(Math.abs(v - b[j]) < 1e-5, `z(1)[${j}] = ${v}, b = ${b[j]}`));
});

test('slerp between equal-norm endpoints keeps the norm and the angle from a grows linearly; the straight line dips towards the origin', () => {
  const d = 200;
  const rng = createRng(5);
  const scale = (v: Float32Array, r: number) => v.map((x) => (x / norm(v)) * r);
  const a = scale(normals(rng, d), 14);
  const b = scale(normals(rng, d), 14);
  const slerped = interpolate(a, b, ts, 'slerp');
  const lerped = interpolate(a, b, ts, 'linear');
  ts.forEach((_, i) => assert.ok(Math.abs(norm(row(slerped, i, d)) - 14) < 1e-3, `|z(${ts[i]})| = ${norm(row(slerped, i, d))}`));
  assert.deepEqual(row(slerped, 0, d), a);
  row(slerped, 10, d).forEach((v, j) => assert.ok(Math.abs(v - b[j]) < 1e-5));
  const theta = angle(a, b);
  ts.forEach((t, i) => {
    const got = angle(a, row(slerped, i, d));
    assert.ok(Math.abs(got - t * theta) < 1e-5, `t = ${t}: angle ${got}, expected ${t * theta}`);
    if (t < 1) assert.ok(Math.abs(angle(b, row(slerped, i, d)) - (1 - t) * theta) < 1e-5, 'the path stays in the plane of a and b');
  });
  // Two nearly orthogonal directions: the chord's midpoint has norm 14 * cos(theta / 2) ~ 14 / sqrt 2.
  assert.ok(Math.abs(norm(row(lerped, 5, d)) - 14 * Math.cos(theta / 2)) < 1e-3);
  assert.ok(norm(row(lerped, 5, d)) < 0.8 * 14);
});

test('slerp with unequal norms follows the formula sin((1 - t) theta) / sin theta a + sin(t theta) / sin theta b', () => {
  const a = [2, 0, 0];
  const b = [0, 4, 0];
  const z = interpolate(a, b, [0.25], 'slerp');
  const th = Math.PI / 2;
  const expected = [2 * Math.sin(0.75 * th), 4 * Math.sin(0.25 * th), 0];
  z.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-6, `z[${j}] = ${v}, expected ${expected[j]}`));
});

test('slerp falls back to the straight line for a zero vector and for parallel or anti-parallel vectors', () => {
  assert.equal(slerpAngle([0, 0], [1, 2]), null);
  assert.equal(slerpAngle([1, 2], [2, 4]), null);
  assert.equal(slerpAngle([1, 2], [-3, -6]), null);
  assert.ok(Math.abs((slerpAngle([1, 0], [0, 1]) ?? 0) - Math.PI / 2) < 1e-12);
  for (const [a, b] of [[[0, 0, 0], [1, -2, 3]], [[1, 2, 3], [2, 4, 6]], [[1, 2, 3], [-1, -2, -3]]]) {
    assert.deepEqual(interpolate(a, b, ts, 'slerp'), interpolate(a, b, ts, 'linear'));
    assert.ok(interpolate(a, b, ts, 'slerp').every(Number.isFinite));
  }
});

test('linear is (1 - t) a + t b and the default', () => {
  assert.deepEqual([...interpolate([0, 4], [2, 0], [0, 0.5, 1])], [0, 4, 1, 2, 2, 0]);
});
