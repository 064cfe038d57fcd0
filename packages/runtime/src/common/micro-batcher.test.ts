import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microBatched } from './micro-batcher.ts';
import { LatentModelBase } from './latent-model-base.ts';
import { DisposedError, OverloadedError } from './errors.ts';
import type { BundleManifest } from './manifest.ts';
import type { EncodeResult, LatentInput } from './latent-model.ts';
import type { TensorData } from './tensor-data.ts';

/** A "model" whose decoder maps each latent row [a, b] to the 3 pixels [a, b, a + b], recording batch sizes. */
class FakeModel extends LatentModelBase {
  readonly manifest = { kind: 'ae' } as BundleManifest;
  readonly latentDim = 2;
  readonly imageShape = [1, 3, 1] as const;
  readonly attributes = { Up: Float32Array.from([0, 1]) };
  readonly provider = 'fake';
  readonly hasEncoder = false;
  calls: number[] = [];
  disposed = false;
  fail = false;
  constructor(private readonly delayMs = 5) {
    super();
  }
  async decode(z: LatentInput): Promise<TensorData> {
    const { data, n } = this.toLatents(z);
    this.calls.push(n);
    await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail) {
      this.fail = false;
      throw new Error('boom');
    }
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) out.set([data[2 * i], data[2 * i + 1], data[2 * i] + data[2 * i + 1]], 3 * i);
    return { data: out, shape: [n, 1, 3, 1] };
  }
  encode(): Promise<EncodeResult> {
    throw new Error('no encoder');
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

test('merges concurrent decodes into one run of the inner model and hands each its own rows', async () => {
  const inner = new FakeModel();
  const m = microBatched(inner, { maxBatch: 64, maxWaitMs: 5 });
  const results = await Promise.all(Array.from({ length: 10 }, (_, k) => m.decode(Float32Array.from([k, 1, k, 2]))));
  assert.deepEqual(inner.calls, [20]);
  results.forEach((r, k) => {
    assert.deepEqual(r.shape, [2, 1, 3, 1]);
    assert.deepEqual([...r.data], [k, 1, k + 1, k, 2, k + 2]);
  });
});

test('the LatentModel maths (sample, morph, applyAttribute) decodes through the batcher', async () => {
  const inner = new FakeModel();
  const m = microBatched(inner, { maxBatch: 64, maxWaitMs: 5 });
  const [s, mo, at] = await Promise.all([m.sample(3, { seed: 1 }), m.morph([0, 0], [2, 4], 3), m.applyAttribute([[1, 1]], 'Up', [-1, 0, 1])]);
  assert.deepEqual(inner.calls, [9]);
  assert.deepEqual(s.z.data, inner.sampleLatents(3, { seed: 1 }).z.data);
  assert.deepEqual([...mo.t], [0, 0.5, 1]);
  assert.deepEqual([...mo.images.data.subarray(3, 6)], [1, 2, 3]);
  assert.deepEqual([...at.z.data], [1, 0, 1, 1, 1, 2]);
  assert.equal(m.stats.batches, 1);
  assert.equal(m.stats.requests, 3);
});

test('never runs more than maxBatch rows and queues behind a running batch', async () => {
  const inner = new FakeModel(10);
  const m = microBatched(inner, { maxBatch: 8, maxWaitMs: 1 });
  const seen: number[] = [];
  m.onBatch((e) => seen.push(e.rows));
  await Promise.all(Array.from({ length: 20 }, (_, k) => m.decode(Float32Array.from([k, k]))));
  assert.equal(inner.calls.reduce((s, x) => s + x, 0), 20);
  assert.ok(inner.calls.every((n) => n <= 8), `batches ${inner.calls}`);
  assert.ok(inner.calls.length >= 3);
  assert.deepEqual(seen, inner.calls);
});

test('a request larger than maxBatch runs alone; a failing run rejects only its own batch', async () => {
  const inner = new FakeModel(1);
  const m = microBatched(inner, { maxBatch: 4, maxWaitMs: 0 });
  inner.fail = true;
  await assert.rejects(m.decode(new Float32Array(2)), /boom/);
  const big = await m.decode(new Float32Array(20));
  assert.equal(big.data.length, 30);
  assert.deepEqual(inner.calls, [1, 10]);
});

test('past maxQueueRows a decode is refused at once with OverloadedError; a lone large request is still taken', async () => {
  const inner = new FakeModel(30);
  const m = microBatched(inner, { maxBatch: 4, maxWaitMs: 0, maxQueueRows: 4 });
  let ranFirst = false;
  const running = m.decode(new Float32Array(2)).then((r) => ((ranFirst = true), r)); // starts at once (maxWaitMs 0)
  const queued = [m.decode(new Float32Array(4)), m.decode(new Float32Array(4))]; // 2 + 2 rows wait
  const refused = await m.decode(new Float32Array(2)).then(() => null, (e: unknown) => e);
  assert.ok(refused instanceof OverloadedError, String(refused));
  assert.equal(refused.reason, 'queue_full');
  assert.ok(refused.retryAfterSeconds >= 1);
  assert.equal(ranFirst, false, 'refused without waiting for the running batch');
  await Promise.all([running, ...queued]);
  assert.equal(m.stats.rejected.queue_full, 1);
  assert.equal((await m.decode(new Float32Array(2 * 10))).data.length, 30); // alone: taken although 10 > 4 rows
});

test('a request expected to wait longer than maxQueueWaitMs is refused at once, from the measured decode time', async () => {
  const inner = new FakeModel(40);
  const m = microBatched(inner, { maxBatch: 2, maxWaitMs: 0, maxQueueWaitMs: 10 });
  await m.decode(new Float32Array(4)); // measures ~20 ms per row
  let ranFirst = false;
  const running = m.decode(new Float32Array(4)).then(() => (ranFirst = true));
  const alone = m.decode(new Float32Array(2)); // nothing waiting: always taken
  assert.ok(m.expectedWaitMs() > 10, `expected wait ${m.expectedWaitMs()} ms`);
  assert.equal(m.admission(1)?.reason, 'queue_wait');
  const e = await m.decode(new Float32Array(2)).then(() => null, (err: unknown) => err);
  assert.ok(e instanceof OverloadedError && e.reason === 'queue_wait', String(e));
  assert.match(e.message, /would wait ~\d+ ms for the model \(limit 10 ms\)/);
  assert.equal(ranFirst, false);
  await Promise.all([running, alone]);
  assert.equal(m.stats.rejected.queue_wait, 1);
  assert.equal(m.admission(1), null); // idle again
});

test('dispose fails queued requests, waits for the running batch and disposes the inner model', async () => {
  const inner = new FakeModel(20);
  const m = microBatched(inner, { maxBatch: 2, maxWaitMs: 0 });
  const running = m.decode(new Float32Array(4));
  const queued = m.decode(new Float32Array(2)).then(() => null, (e: unknown) => e);
  await m.dispose();
  assert.equal((await running).data.length, 6);
  assert.ok((await queued) instanceof DisposedError);
  assert.ok(inner.disposed);
  await assert.rejects(m.decode(new Float32Array(2)), DisposedError);
});
