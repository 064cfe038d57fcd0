import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AUTO_ORDER, ENGINE_NAMES, currentEngine, initEngine } from './select.ts';

test('auto skips the native packages that are not installed, says why, and picks wasm with our kernels', async () => {
  const logs: string[] = [];
  const info = await initEngine('auto', { log: (m) => logs.push(m) });
  assert.equal(info.name, 'wasm');
  assert.equal(info.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(info.threads, 1);
  assert.match(info.detail, /SIMD on/);
  assert.match(info.detail, /Conv2DBackpropFilter/);
  assert.equal(logs.length, 1, 'says once which engine runs');
  assert.match(logs[0]!, /^engine: wasm/);
  assert.match(logs[0]!, /tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
  assert.match(logs[0]!, /tfjs-node: @tensorflow\/tfjs-node is not installed/);
  // No GPU here: either no Vulkan driver at all, or (VK_ICD_FILENAMES set) only a software one.
  assert.match(logs[0]!, /webgpu: (no Vulkan|Dawn found no WebGPU adapter|only a software adapter)/);
  assert.deepEqual(AUTO_ORDER, ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm']);
});

test('initEngine is idempotent and logs nothing the second time', async () => {
  const first = await initEngine('auto', { log: () => {} });
  const logs: string[] = [];
  assert.equal(await initEngine('auto', { log: (m) => logs.push(m) }), first);
  assert.equal(await initEngine('wasm', { log: (m) => logs.push(m) }), first);
  assert.equal(currentEngine(), first);
  assert.deepEqual(logs, []);
});

test('a forced engine that cannot load says what failed and what to do', async () => {
  await assert.rejects(initEngine('tfjs-node'), (e: Error) => {
    assert.match(e.message, /Engine "tfjs-node" cannot be used: @tensorflow\/tfjs-node is not installed/);
    assert.match(e.message, /use --engine auto \(falls back to wasm\) or --engine wasm/);
    return true;
  });
  // The running engine is untouched.
  assert.equal(currentEngine()?.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('unknown engine names are rejected with the list of valid ones', async () => {
  await assert.rejects(initEngine('webgl' as never), /Unsupported engine "webgl". Should be one of: auto, tfjs-node-gpu, tfjs-node, webgpu, wasm, cpu/);
  assert.deepEqual(ENGINE_NAMES, ['auto', 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu']);
});

test('switching to the pure-JS cpu engine and back works', async () => {
  const cpu = await initEngine('cpu', { log: () => {} });
  assert.equal(cpu.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const wasm = await initEngine('wasm', { log: () => {} });
  assert.equal(wasm.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});
