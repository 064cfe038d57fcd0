import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { float32ToFloat16, fromFloat16Bits } from './float16.ts';
import { uniform } from '../testing/ort.ts';

// Edge cases (zeros, subnormals, ties, overflow, inf/nan) plus random values over many magnitudes.
const special = [0, -0, 1, -1, 65504, 65520, 65519.99, 1e6, -1e6, 6.1e-5, 5.96e-8, 2.98e-8, 2.99e-8, 1e-9, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 0.1, 1 / 3, Infinity, -Infinity, NaN];
const random = Array.from(uniform(2000, 1, -30, 10), (e, i) => (i % 2 ? -1 : 1) * 2 ** e);
const values = Float32Array.from([...special, ...random]);

test('float32 -> float16 rounds to nearest even exactly as numpy does', { skip: spawnSync('/usr/bin/python3', ['-c', 'import numpy']).status !== 0 && 'numpy not available' }, () => {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, numpy as np; v = np.frombuffer(sys.stdin.buffer.read(), "<f4"); sys.stdout.buffer.write(v.astype("<f2").tobytes())'], { input: Buffer.from(values.buffer) });
  assert.equal(r.status, 0, String(r.stderr));
  const expected = new Uint16Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.byteLength));
  const ours = float32ToFloat16(values);
  const diffs = [];
  for (let i = 0; i < values.length; i++) {
    const bothNaN = Number.isNaN(fromFloat16Bits(ours[i])) && Number.isNaN(fromFloat16Bits(expected[i]));
    if (ours[i] !== expected[i] && !bothNaN) diffs.push(`${values[i]}: ${ours[i].toString(16)} vs numpy ${expected[i].toString(16)}`);
  }
  assert.deepEqual(diffs, []);
});

test('float16 bits read back as the nearest representable value', () => {
  assert.equal(fromFloat16Bits(0x3c00), 1);
  assert.equal(fromFloat16Bits(0x7bff), 65504);
  assert.equal(fromFloat16Bits(0x0001), 2 ** -24);
  assert.equal(fromFloat16Bits(0xfc00), -Infinity);
});
