/**
 * The idle collector (issue 21): one full collection once work stops, none while work arrives or a
 * request is in flight, none for a small heap growth; exposeGc() returns V8's real collector; and the
 * default collection (memoryReducingGc) gives V8's committed heap back, young generation included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { exposeGc, memoryReducingGc, startIdleCollector } from './idle-collector.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

test('collects once after a burst, only when idle, nothing in flight and the heap grew enough', async () => {
  let heap = 100 * MiB;
  let inFlight = 0;
  let collections = 0;
  const idle = startIdleCollector({ inFlight: () => inFlight, heapBytes: () => heap, gc: () => void (collections++, (heap = 60 * MiB)), intervalMs: 20 });
  try {
    heap += 8 * MiB; // below the 16 MiB threshold
    await sleep(150);
    assert.equal(collections, 0, 'a small growth is left to V8');
    heap += 32 * MiB;
    inFlight = 1;
    await sleep(150);
    assert.equal(collections, 0, 'nothing while a request is in service');
    inFlight = 0;
    const end = Date.now() + 150;
    while (Date.now() < end) {
      idle.touch(); // requests keep arriving
      await sleep(2);
    }
    assert.equal(collections, 0, 'nothing while requests arrive');
    await sleep(150);
    assert.equal(collections, 1, 'one collection once idle');
    assert.equal(idle.stats.collections, 1);
    assert.equal(idle.stats.freedBytes, 80 * MiB);
    await sleep(150);
    assert.equal(collections, 1, 'not again without new growth');
  } finally {
    idle.stop();
  }
});

test('exposeGc() returns a collector that frees garbage V8 would otherwise keep', () => {
  const gc = exposeGc();
  gc();
  const base = getHeapStatistics().used_heap_size;
  let junk: object[] | null = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `x${i}` }));
  assert.ok(getHeapStatistics().used_heap_size - base > 8 * MiB, 'garbage made');
  junk = null;
  gc();
  assert.equal(junk, null);
  assert.ok(getHeapStatistics().used_heap_size - base < 4 * MiB, `used heap back near ${(base / MiB).toFixed(1)} MiB: ${(getHeapStatistics().used_heap_size / MiB).toFixed(1)} MiB`);
});

test('an async collection counts once it settles, and none starts while one runs', async () => {
  let heap = 100 * MiB;
  let started = 0;
  let finish: () => void = () => {};
  const idle = startIdleCollector({ inFlight: () => 0, heapBytes: () => heap, gc: () => new Promise<void>((r) => ((started++), (finish = () => ((heap = 50 * MiB), r())))), intervalMs: 10 });
  try {
    heap += 40 * MiB;
    await sleep(80);
    assert.equal(started, 1, 'one collection started, the ticks meanwhile wait for it');
    assert.equal(idle.stats.collections, 0, 'not counted before it settles');
    finish();
    await sleep(30);
    assert.equal(idle.stats.collections, 1);
    assert.equal(idle.stats.freedBytes, 90 * MiB);
  } finally {
    idle.stop();
  }
});

test('memoryReducingGc() shrinks the young generation and compacts old space', async () => {
  const space = (name: string) => getHeapSpaceStatistics().find((s) => s.space_name === name)!.space_size;
  // Short-lived garbage at a high rate grows the semi-spaces; a few survivors per batch spread over old space.
  const survivors: object[] = [];
  for (let r = 0; r < 200; r++) {
    const batch = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `x${r}-${i}` }));
    survivors.push(batch[r % batch.length]!);
  }
  const grown = space('new_space');
  assert.ok(grown >= 4 * MiB, `the young generation grew under the allocation rate (${(grown / MiB).toFixed(1)} MiB)`);
  await memoryReducingGc()();
  const after = space('new_space');
  assert.ok(after < grown / 2, `new space ${(grown / MiB).toFixed(1)} -> ${(after / MiB).toFixed(1)} MiB`);
  assert.equal(survivors.length, 200, 'live objects stay');
});
