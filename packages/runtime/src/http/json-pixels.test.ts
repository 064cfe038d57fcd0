import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatArrayJson, uint8ArrayJson } from './json-pixels.ts';

test('prints what JSON.stringify prints for rounded values, inside and outside [0, 1]', () => {
  const data = Float32Array.from([0, 1, 0.5, 0.123456, 0.99996, 1e-9, -0.25, 3.14159, NaN, Infinity, 0.00005]);
  for (const d of [0, 2, 4, 6, 8]) {
    const s = 10 ** d;
    const expected = JSON.stringify(Array.from(data, (v) => (Number.isFinite(v) ? Math.round(v * s) / s : null)));
    assert.equal(floatArrayJson(data, d), expected, `decimals ${d}`);
  }
  assert.equal(uint8ArrayJson(Uint8Array.from([0, 7, 255])), '[0,7,255]');
  assert.equal(floatArrayJson(new Float32Array(0), 4), '[]');
});
