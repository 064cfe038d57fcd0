/**
 * 10,000 calls through the API (sample, decode, encode, morph) and 60 load/dispose cycles:
 * heap and RSS stay flat once warmed up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LatentModel } from './index.ts';
import { makeBundle } from '../../test/fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mib = (b: number) => b / 2 ** 20;
function settle(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: mib(m.heapUsed), rss: mib(m.rss) };
}

test('10,000 API calls keep heap and RSS flat', async () => {
  const model = await LatentModel.load(await makeBundle({ kind: 'vae', seed: 8 }), { device: 'cpu' });
  const image = (await model.sample(1, { seed: 1 })).images;
  const call = async (i: number) => {
    switch (i % 4) {
      case 0: return model.sample(1, { seed: i });
      case 1: return model.decode([[i / 1e4, -i / 1e4]]);
      case 2: return model.encode(image);
      default: return model.morph([0, 0], [1, 1], 2);
    }
  };
  for (let i = 0; i < 1000; i++) await call(i); // warm-up
  const before = settle();
  for (let i = 0; i < 10000; i++) await call(i);
  const after = settle();
  console.log(`10,000 calls: heap ${before.heap.toFixed(1)} -> ${after.heap.toFixed(1)} MiB, RSS ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MiB`);
  assert.ok(after.heap - before.heap < 3, `heap grew ${(after.heap - before.heap).toFixed(2)} MiB`);
  assert.ok(after.rss - before.rss < 25, `RSS grew ${(after.rss - before.rss).toFixed(1)} MiB`);
  await model.dispose();
});

test('60 load/dispose cycles release their sessions', async () => {
  const dir = await makeBundle({ kind: 'faces-vae', seed: 8 }); // the biggest model: leaks show up fastest
  const cycle = async () => {
    const m = await LatentModel.load(dir, { device: 'cpu' });
    await m.sample(2, { seed: 1 });
    await m.dispose();
  };
  // RSS settles after ~20 cycles and then wanders +-15 MiB (allocator arenas); a faces model that is
  // not disposed keeps ~11.5 MiB (measured), so 60 leaked models would add ~690 MiB.
  for (let i = 0; i < 20; i++) await cycle();
  const before = settle();
  for (let i = 0; i < 60; i++) await cycle();
  const after = settle();
  console.log(`60 load/dispose cycles: heap ${before.heap.toFixed(1)} -> ${after.heap.toFixed(1)} MiB, RSS ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MiB`);
  assert.ok(after.heap - before.heap < 3, `heap grew ${(after.heap - before.heap).toFixed(2)} MiB`);
  assert.ok(after.rss - before.rss < 60, `RSS grew ${(after.rss - before.rss).toFixed(1)} MiB over 60 cycles (60 leaked models would be ~690 MiB)`);
});
