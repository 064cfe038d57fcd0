import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleFolderName, bundleUrlFor, manifestPrecision } from './precision.ts';

test('a precision picks the sibling bundle-<precision>/ folder; fp32 is bundle/', () => {
  assert.equal(bundleFolderName('fp32'), 'bundle');
  assert.equal(bundleFolderName('int8'), 'bundle-int8');
  assert.equal(bundleUrlFor('http://h/runs/vae/bundle/', 'fp16'), 'http://h/runs/vae/bundle-fp16/');
  assert.equal(bundleUrlFor('http://h/runs/vae/bundle-fp16/', 'fp32'), 'http://h/runs/vae/bundle/');
  assert.equal(bundleUrlFor('http://h/bundle/', 'int8'), 'http://h/bundle-int8/');
  assert.equal(bundleUrlFor('http://h/runs/vae/bundle', 'fp16'), 'http://h/runs/vae/bundle-fp16/');
});

test('a precision on a folder not named bundle*, or a malformed precision, is refused with the fix', () => {
  assert.throws(() => bundleUrlFor('http://h/models/vae/', 'fp16'), /is named "vae\/". Point src at the fp16 bundle itself, or drop precision/);
  assert.throws(() => bundleUrlFor('http://h/bundle/', 'FP16'), /precision "FP16" is not a precision name; use fp32, fp16, int8/);
  assert.throws(() => bundleUrlFor('http://h/bundle/', '../x'), /not a precision name/);
});

test('manifests without onnx.precision are fp32', () => {
  assert.equal(manifestPrecision({ onnx: { precision: 'fp16' } }), 'fp16');
  assert.equal(manifestPrecision({ kind: 'vae' }), 'fp32');
  assert.equal(manifestPrecision(undefined), 'fp32');
});
