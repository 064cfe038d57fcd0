import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceToExecutionProviders, DEVICES } from './device.ts';
import { UnsupportedDeviceError } from './errors.ts';

test('maps every device to providers in Node, CUDA first then CPU for auto', () => {
  assert.deepEqual(deviceToExecutionProviders('auto', 'node'), ['cuda', 'cpu']);
  assert.deepEqual(deviceToExecutionProviders('cuda', 'node'), ['cuda', 'cpu']);
  assert.deepEqual(deviceToExecutionProviders('cpu', 'node'), ['cpu']);
  assert.deepEqual(deviceToExecutionProviders('webgpu', 'node'), ['webgpu', 'cpu']);
  assert.deepEqual(deviceToExecutionProviders('wasm', 'node'), ['wasm']);
});

test('in the browser cpu means wasm and auto is wasm without navigator.gpu', () => {
  assert.deepEqual(deviceToExecutionProviders('cpu', 'web'), ['wasm']);
  assert.deepEqual(deviceToExecutionProviders('auto', 'web'), ['wasm']);
  assert.deepEqual(deviceToExecutionProviders('webgpu', 'web'), ['webgpu', 'wasm']);
});

test('rejects unknown devices and cuda in the browser with the list of valid ones', () => {
  assert.throws(() => deviceToExecutionProviders('gpu0', 'node'), (e: Error) => e instanceof UnsupportedDeviceError && e.message === `Unsupported device "gpu0". Should be one of: ${DEVICES.join(', ')}.`);
  assert.throws(() => deviceToExecutionProviders('cuda', 'web'), /Unsupported device "cuda" in the browser. Should be one of: auto, cpu, webgpu, wasm/);
});
