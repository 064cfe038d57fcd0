/**
 * 'auto' never trains on a software WebGPU adapter (wasm is 10-20x faster there); `--engine webgpu`
 * forces it, and the log names the adapter. Runs on SwiftShader's Vulkan driver where chromium is
 * installed; skips where Dawn finds no adapter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../select.ts';
import { describeAdapter, isSoftwareAdapter, requestDawnAdapter } from './adapter.ts';
import { webgpuAdapter } from './load.ts';
import { useSoftwareVulkan } from './vulkan-icd.ts';
import { testEngines } from '../test-engines.ts';

useSoftwareVulkan();
const native = testEngines().find((e) => e.engine === 'tfjs-node')!;
const found = await requestDawnAdapter().catch(() => undefined);
const skip = found ? false : 'Dawn found no WebGPU adapter (no Vulkan driver; install chromium for SwiftShader\'s, or a GPU driver)';

test('software adapters are told apart from hardware ones by flag or by name', () => {
  const base = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', isFallbackAdapter: false };
  assert.equal(isSoftwareAdapter(base), false);
  assert.equal(isSoftwareAdapter({ ...base, isFallbackAdapter: true }), true);
  assert.equal(isSoftwareAdapter({ ...base, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }), true);
  assert.equal(isSoftwareAdapter({ ...base, vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }), true);
  assert.equal(describeAdapter({ ...base, software: false }), 'NVIDIA H200 (nvidia, hopper, hardware)');
});

test('auto skips a software adapter, saying which; --engine webgpu forces it and names it', { skip }, async () => {
  assert.ok(found!.summary.software, `expected a software adapter on this machine, found ${describeAdapter(found!.summary)}`);
  const logs: string[] = [];
  const auto = await initEngine('auto', { log: (m) => logs.push(m) });
  // The next in AUTO_ORDER that loads: tfjs-node where it is provisioned, else wasm.
  assert.equal(auto.name, native.skip ? 'wasm' : 'tfjs-node');
  assert.match(logs[0]!, /webgpu: only a software adapter, SwiftShader.*slower than wasm; --engine webgpu forces it/);
  const forced = await initEngine('webgpu', { log: (m) => logs.push(m) });
  assert.equal(forced.name, 'webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
  assert.match(logs[1]!, /^engine: webgpu \(@tensorflow\/tfjs-backend-webgpu on SwiftShader driver [\d.]+ \(google, swiftshader, software\) via Dawn/);
  assert.equal(webgpuAdapter()?.architecture, 'swiftshader');
  const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
  assert.deepEqual(await y.data(), new Float32Array([11]));
});
