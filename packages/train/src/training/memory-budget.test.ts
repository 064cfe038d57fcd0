import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelSpec, presetSpec } from '@latentkit/format';
import { convOutputFloats, memoryMicroBatch, stepBytesPerImage, STEP_TENSOR_BUDGET } from './memory-budget.ts';

const spec64 = parseModelSpec({ type: 'vae', inputShape: [64, 64, 3], latentDim: 16, encoder: { filters: [32, 64, 128] } });

test('conv outputs of a 64x64x3 spec with filters 32,64,128: encoder 32x32x32 + 16x16x64 + 8x8x128, decoder mirrored, output 64x64x3', () => {
  assert.equal(convOutputFloats(spec64), 32 * 32 * 32 + 16 * 16 * 64 + 8 * 8 * 128 + (16 * 16 * 128 + 32 * 32 * 64 + 64 * 64 * 32) + 64 * 64 * 3);
  assert.equal(stepBytesPerImage(spec64), 8 * 4 * convOutputFloats(spec64));
});

test('batch 128 of the 64x64x3 spec is split in micro-batches of 64; batch 64 is not', () => {
  assert.equal(memoryMicroBatch(spec64, 128), 64);
  assert.equal(memoryMicroBatch(spec64, 64), undefined);
  assert.equal(memoryMicroBatch(spec64, 256), 64);
  assert.ok(64 * stepBytesPerImage(spec64) <= STEP_TENSOR_BUDGET);
});

test("the book's presets keep whole batches: the Fashion models fit, the faces VAE has BatchNorm", () => {
  assert.equal(memoryMicroBatch(presetSpec('ae'), 100), undefined);
  assert.equal(memoryMicroBatch(presetSpec('vae'), 100), undefined);
  assert.equal(memoryMicroBatch(presetSpec('faces-vae'), 128), undefined);
  // BatchNorm: never split silently, whatever the size (a split would change the model's statistics).
  assert.equal(memoryMicroBatch({ ...spec64, norm: 'batch' }, 1024), undefined);
});
