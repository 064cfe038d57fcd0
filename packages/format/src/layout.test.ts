import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleFolderName, bundleFolderPrecision, sampleFile } from './layout.ts';

test('a precision names its bundle folder: fp32 is bundle/, others bundle-<precision>/', () => {
  assert.equal(bundleFolderName('fp32'), 'bundle');
  assert.equal(bundleFolderName('fp16'), 'bundle-fp16');
  assert.equal(bundleFolderName('int8'), 'bundle-int8');
  assert.equal(bundleFolderPrecision('bundle'), 'fp32');
  assert.equal(bundleFolderPrecision('bundle-int8'), 'int8');
  assert.equal(bundleFolderPrecision('bundles'), undefined);
  assert.throws(() => bundleFolderName('../x'), /precision "..\/x" is not a precision name; use fp32, fp16, int8/);
  assert.throws(() => bundleFolderName('FP16'), RangeError);
});

test('sample pictures are numbered from 1 with four digits', () => {
  assert.equal(sampleFile(3), 'samples/epoch-0003.png');
});
