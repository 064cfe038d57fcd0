import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MicroBatcher } from './micro-batcher.ts';

// A "decoder" that maps each latent row (2 numbers) to 3 pixels [a, b, a + b], and records batch sizes.
function fakeDecode(calls: number[], delayMs = 5) {
  return async (z: Float32Array, rows: number) => {
    calls.push(rows);
    await new Promise((r) => setTimeout(r, delayMs));
    const out = new Float32Array(rows * 3);
    for (let i = 0; i < rows; i++) out.set([z[2 * i], z[2 * i + 1], z[2 * i] + z[2 * i + 1]], 3 * i);
    return out;
  };
}

test('merges concurrent requests into one run and hands each its own rows', async () => {
  const calls: number[] = [];
  const b = new MicroBatcher(fakeDecode(calls), 2, { maxBatch: 64, maxWaitMs: 5 });
  const results = await Promise.all(Array.from({ length: 10 }, (_, k) => b.decode(Float32Array.from([k, 1, k, 2]))));
  assert.deepEqual(calls, [20]);
  results.forEach((r, k) => assert.deepEqual([...r], [k, 1, k + 1, k, 2, k + 2]));
});

test('never runs more than maxBatch rows and queues behind a running batch', async () => {
  const calls: number[] = [];
  const b = new MicroBatcher(fakeDecode(calls, 10), 2, { maxBatch: 8, maxWaitMs: 1 });
  await Promise.all(Array.from({ length: 20 }, (_, k) => b.decode(Float32Array.from([k, k]))));
  assert.equal(calls.reduce((s, x) => s + x, 0), 20);
  assert.ok(calls.every((n) => n <= 8), `batches ${calls}`);
  assert.ok(calls.length >= 3);
});

test('a request larger than maxBatch runs alone; a failing run rejects only its own batch', async () => {
  const calls: number[] = [];
  let fail = true;
  const run = fakeDecode(calls, 1);
  const b = new MicroBatcher(async (z, rows) => {
    if (fail) {
      fail = false;
      throw new Error('boom');
    }
    return run(z, rows);
  }, 2, { maxBatch: 4, maxWaitMs: 0 });
  await assert.rejects(b.decode(new Float32Array(2)), /boom/);
  const big = await b.decode(new Float32Array(20));
  assert.equal(big.length, 30);
  assert.deepEqual(calls, [10]);
});
