import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DataError, DataOptionError, loadImageFolder, type Batch } from '../index.ts';
import { writeMixedFolder } from './sample-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'latentkit-imgdir-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const cacheDir = join(root, 'cache');

async function all(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

test('a mixed folder (PNG, JPEG, WebP, GIF, TIFF, RGBA, grey, any sizes, one corrupt file) loads at 48x48 RGB', async () => {
  const dir = join(root, 'mixed');
  const made = await writeMixedFolder(dir, { count: 60, seed: 2 });
  const { train, validation, report } = await loadImageFolder({ dir, height: 48, width: 48, channels: 3, cacheDir });
  assert.equal(report.found, 61);
  assert.equal(report.decoded, 60);
  assert.equal(report.skipped.count, 1);
  assert.match(report.skipped.first[0]!, /^squares\/broken\.jpg \(/);
  assert.equal(report.otherFiles, 1);
  assert.equal(report.alphaDropped, 2); // the RGBA PNG, and the GIF (sharp reads GIFs with alpha)
  assert.equal(report.built, true);
  assert.equal(train.size + validation.size, 60);
  assert.equal(validation.size, 12); // every 5th
  assert.deepEqual(train.imageShape, [48, 48, 3]);
  assert.deepEqual(train.labelNames, ['discs', 'squares']);
  const batches = await all(train.batches(16));
  assert.deepEqual(batches.map((b) => b.count), [16, 16, 16]);
  const b = batches[0]!;
  assert.equal(b.images.length, 16 * 48 * 48 * 3);
  assert.ok(b.images.every((v) => v >= 0 && v <= 1));
  assert.ok(b.labels && b.labels.every((l) => l === 0 || l === 1));
  // A grey source becomes R = G = B; its pixels match sharp's own decode of the file.
  const files = JSON.parse(readFileSync(report.cacheFile).toString('utf8', 24, 24 + readFileSync(report.cacheFile).readUInt32LE(20))).files as string[];
  const greyRel = made.grey.find((g) => files.indexOf(g) % 5 !== 4)!; // one in the train split
  const at = files.indexOf(greyRel);
  assert.ok(at >= 0, greyRel);
  const pos = [...Array(files.length).keys()].filter((i) => i % 5 !== 4).indexOf(at);
  const inOrder = (await all(train.batches(100)))[0]!;
  const mine = inOrder.images.subarray(pos * 48 * 48 * 3, (pos + 1) * 48 * 48 * 3);
  for (let p = 0; p < 48 * 48; p++) assert.ok(mine[3 * p] === mine[3 * p + 1] && mine[3 * p] === mine[3 * p + 2]);
  const ref = await sharp(join(dir, greyRel)).resize(48, 48, { fit: 'fill' }).toColourspace('srgb').raw().toBuffer();
  assert.ok(Math.abs(mine[100]! * 255 - ref[100]!) < 0.5);
});

test('the second load reuses the checked cache; shuffled batches are a seeded permutation of the same images', async () => {
  const dir = join(root, 'mixed');
  const first = await loadImageFolder({ dir, height: 48, width: 48, channels: 3, cacheDir });
  assert.equal(first.report.built, false);
  const ordered = (await all(first.train.batches(1000)))[0]!;
  const a = (await all(first.train.batches(7, { shuffle: true, seed: 3 })));
  const b = (await all(first.train.batches(7, { shuffle: true, seed: 3 })));
  assert.deepEqual(a.map((x) => x.images), b.map((x) => x.images));
  const per = 48 * 48 * 3;
  const sum = (imgs: Float32Array) => imgs.reduce((s, v) => s + v, 0);
  const total = a.reduce((s, x) => s + sum(x.images), 0);
  assert.ok(Math.abs(total - sum(ordered.images)) < 1e-2 * per);
  // A corrupted cache body fails its CRC and is rebuilt, with a warning.
  const bytes = readFileSync(first.report.cacheFile);
  bytes[bytes.length - 10] ^= 0xff;
  writeFileSync(first.report.cacheFile, bytes);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  const again = await loadImageFolder({ dir, height: 48, width: 48, channels: 3, cacheDir });
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.equal(again.report.built, true);
  assert.ok(warnings.some((w) => /fails its CRC-32 check/.test(w)), warnings.join('\n'));
});

test('grey output, another aspect ratio, crop and pad', async () => {
  const dir = join(root, 'mixed');
  for (const fit of ['squash', 'crop', 'pad'] as const) {
    const { train } = await loadImageFolder({ dir, height: 16, width: 32, channels: 1, fit, cacheDir, limit: 4 });
    assert.deepEqual(train.imageShape, [16, 32, 1]);
    const [b] = await all(train.batches(4));
    assert.equal(b!.images.length, 4 * 16 * 32);
  }
});

test('--strict refuses the corrupt file; empty folders and folders of non-images are clear errors', async () => {
  const dir = join(root, 'mixed');
  await assert.rejects(loadImageFolder({ dir, height: 48, width: 48, channels: 3, cacheDir: join(root, 'cache-strict'), strict: true }), (e: Error) =>
    e instanceof DataError && /broken\.jpg cannot be decoded .*--strict refuses unreadable images/.test(e.message));
  await assert.rejects(loadImageFolder({ dir, height: 48, width: 48, channels: 3, cacheDir, strict: true }), /broken\.jpg cannot be decoded; --strict/);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  await assert.rejects(loadImageFolder({ dir: empty, height: 8, width: 8, channels: 1, cacheDir }), /image folder .*empty is empty; put PNG, JPEG, WebP, GIF or TIFF images in it/);
  const text = join(root, 'text');
  mkdirSync(text);
  writeFileSync(join(text, 'a.txt'), 'x');
  writeFileSync(join(text, 'b.csv'), 'y');
  await assert.rejects(loadImageFolder({ dir: text, height: 8, width: 8, channels: 1, cacheDir }), /holds 2 file\(s\) but no images \(looked for \.png \.jpg/);
  const broken = join(root, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'x.png'), 'not a png');
  await assert.rejects(loadImageFolder({ dir: broken, height: 8, width: 8, channels: 1, cacheDir }), /none of the 1 image file\(s\) .* could be decoded/);
  await assert.rejects(loadImageFolder({ dir: join(root, 'nowhere'), height: 8, width: 8, channels: 1, cacheDir }), /image folder .*nowhere does not exist/);
  await assert.rejects(loadImageFolder({ dir, height: 0, width: 8, channels: 1, cacheDir }), (e: Error) => e instanceof DataOptionError && /height must be an integer in 1\.\.4096, received 0/.test(e.message));
  await assert.rejects(loadImageFolder({ dir, height: 8, width: 8, channels: 2 as 1, cacheDir }), /channels must be 1 \(grey\) or 3 \(RGB\)/);
});

test('labels from an attribute CSV (+1/-1 or 0/1), by relative path or unique file name', async () => {
  const dir = join(root, 'attrs');
  mkdirSync(dir);
  for (let i = 0; i < 5; i++) await sharp({ create: { width: 10, height: 12, channels: 3, background: { r: i * 40, g: 0, b: 0 } } }).png().toFile(join(dir, `${i}.png`));
  writeFileSync(join(dir, 'attrs.csv'), 'file,Smiling,Hat\n0.png,1,-1\n1.png,0,1\n2.png,+1,0\n3.png,-1,-1\n4.png,1,1\nextra.png,1,1\n');
  const { train, validation } = await loadImageFolder({ dir, height: 8, width: 8, channels: 3, cacheDir, labels: { csv: join(dir, 'attrs.csv') } });
  assert.deepEqual(train.attributeNames, ['Smiling', 'Hat']);
  const [b] = await all(train.batches(10));
  assert.deepEqual([...b!.attributes!], [1, -1, -1, 1, 1, -1, -1, -1]);
  const [v] = await all(validation.batches(10));
  assert.deepEqual([...v!.attributes!], [1, 1]);
  writeFileSync(join(dir, 'bad.csv'), 'file,Smiling\n0.png,yes\n');
  await assert.rejects(loadImageFolder({ dir, height: 8, width: 8, channels: 3, cacheDir, labels: { csv: join(dir, 'bad.csv') } }), /bad\.csv: line 2, Smiling: expected \+1\/-1 or 1\/0, received "yes"/);
});
