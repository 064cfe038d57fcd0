import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../errors.ts';
import { AUTO_ORDER, ENGINE_NAMES, activateEngine, initEngine } from './select.ts';
import { testEngines } from './test-engines.ts';

const native = testEngines().find((e) => e.engine === 'tfjs-node')!;

test('auto picks tfjs-node when it is provisioned, naming TensorFlow\'s version and library', { skip: native.skip }, async () => {
  const logs: string[] = [];
  const info = await initEngine('auto', { log: (m) => logs.push(m) });
  assert.equal(info.name, 'tfjs-node');
  assert.equal(info.backend, 'tensorflow');
  assert.equal(tf.getBackend(), 'tensorflow');
  assert.equal(logs.length, 1, 'says once which engine runs');
  assert.match(logs[0]!, /^engine: tfjs-node \(@tensorflow\/tfjs-node 4\.22\.0 on TensorFlow \d+\.\d+\.\d+, \/\S*libtensorflow\S*\.so/);
  assert.match(logs[0]!, /skipped tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
});

test('wasm runs our kernels and gradients, and is what auto picks where tfjs-node is not provisioned', async () => {
  const logs: string[] = [];
  const info = native.skip ? await initEngine('auto', { log: (m) => logs.push(m) }) : await initEngine('wasm', { log: (m) => logs.push(m) });
  assert.equal(info.name, 'wasm');
  assert.equal(info.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(info.threads, 1);
  assert.match(info.detail, /SIMD on/);
  assert.match(info.detail, /Conv2DBackpropFilter/);
  assert.equal(logs.length, 1, 'says once which engine runs');
  assert.match(logs[0]!, /^engine: wasm/);
  if (native.skip) {
    assert.match(logs[0]!, /tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(logs[0]!, /tfjs-node: @tensorflow\/tfjs-node is installed without its native addon; `pnpm engine native` builds it/);
  }
  // No GPU here: either no Vulkan driver at all, or (VK_ICD_FILENAMES set) only a software one.
  if (native.skip) assert.match(logs[0]!, /webgpu: (no Vulkan|Dawn found no WebGPU adapter|only a software adapter)/);
  assert.deepEqual(AUTO_ORDER, ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm']);
});

test('an engine loads once: asking again returns the same object, re-activated, and logs nothing', async () => {
  const first = await initEngine('wasm', { log: () => {} });
  const logs: string[] = [];
  assert.equal(await initEngine('wasm', { log: (m) => logs.push(m) }), first);
  await initEngine('cpu', { log: () => {} });
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(await initEngine('wasm', { log: (m) => logs.push(m) }), first);
  assert.equal(tf.getBackend(), 'wasm');
  if (native.skip) assert.equal(await initEngine('auto', { log: (m) => logs.push(m) }), first);
  assert.deepEqual(logs.filter((l) => l.startsWith('engine: wasm')), []);
});

test('activateEngine makes the given engine the one tfjs computes on', async () => {
  const wasm = await initEngine('wasm', { log: () => {} });
  const cpu = await initEngine('cpu', { log: () => {} });
  await activateEngine(wasm);
  assert.equal(tf.getBackend(), 'wasm');
  await activateEngine(cpu);
  assert.equal(tf.getBackend(), 'cpu');
  await activateEngine(wasm);
});

test('a forced engine that cannot load says what failed and what to do', async () => {
  await initEngine('wasm', { log: () => {} });
  await assert.rejects(initEngine('tfjs-node-gpu'), (e: Error) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, 'LATENTKIT_ENGINE_UNAVAILABLE');
    assert.equal(e.engine, 'tfjs-node-gpu');
    assert.match(e.message, /Engine "tfjs-node-gpu" cannot be used: @tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(e.message, /use --engine auto \(falls back to wasm\) or --engine wasm/);
    return true;
  });
  // The active backend is untouched.
  assert.equal(tf.getBackend(), 'wasm');
});

test('unknown engine names are rejected with the list of valid ones', async () => {
  await assert.rejects(initEngine('webgl' as never), (e: Error) =>
    e instanceof EngineError && /Unsupported engine "webgl". Should be one of: auto, tfjs-node-gpu, tfjs-node, webgpu, wasm, cpu/.test(e.message));
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
