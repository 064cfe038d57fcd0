import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wantsOneThreadPerOp } from './thread-layout.ts';

const base = { engine: 'auto', compile: true, jit: false, microBatch: undefined, workers: 'auto' } as const;
const none = { norm: 'none' } as const;
const noGpu = () => false;

test('one thread per op for the compiled CPU step of a model without BatchNormalization, and not otherwise', () => {
  assert.equal(wantsOneThreadPerOp(base, none, noGpu), true);
  assert.equal(wantsOneThreadPerOp({ ...base, engine: 'tfjs-node', workers: 1 }, none, () => true), true, 'tfjs-node forced: the CPU build whatever else is installed');
  assert.equal(wantsOneThreadPerOp(base, { norm: 'batch' }, noGpu), false, 'BatchNormalization: no shards');
  assert.equal(wantsOneThreadPerOp(base, none, () => true), false, "'auto' takes the GPU build first where it is installed");
  for (const engine of ['wasm', 'webgpu', 'cpu', 'tfjs-node-gpu'] as const) assert.equal(wantsOneThreadPerOp({ ...base, engine }, none, noGpu), false, engine);
  assert.equal(wantsOneThreadPerOp({ ...base, compile: false }, none, noGpu), false, '--no-compile');
  assert.equal(wantsOneThreadPerOp({ ...base, jit: true }, none, noGpu), false, '--jit');
  assert.equal(wantsOneThreadPerOp({ ...base, microBatch: 16 }, none, noGpu), false, '--micro-batch');
  assert.equal(wantsOneThreadPerOp({ ...base, workers: 2 }, none, noGpu), false, '--workers 2');
});
