import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, cp, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Batch, Dataset } from '../types.ts';
import { DataError } from '../errors.ts';
import { shuffledIndices } from '@latentkit/format';
import { isValidationRow, loadCelebA } from './celeba.ts';
import { drawFace, faceSpecs, SYNTHETIC_ATTRIBUTES, writeSyntheticFaces } from './synthetic-faces.ts';

const COUNT = 40;
const SEED = 5;
let root: string;
let faces: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lk-celeba-'));
  faces = join(root, 'faces');
  await writeSyntheticFaces(faces, { count: COUNT, seed: SEED });
});
after(() => rm(root, { recursive: true, force: true }));

async function all(ds: Dataset, batchSize: number, options = {}): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches(batchSize, options)) out.push(b);
  return out;
}

const specs = () => [...faceSpecs(COUNT, SEED)];
const expectedAttributes = (rows: number[]) =>
  Int8Array.from(rows.flatMap((r) => SYNTHETIC_ATTRIBUTES.map((k) => (specs()[r].attributes[k] ? 1 : -1))));

test('loads the synthetic set: 64x64x3 in [0, 1], the attributes the generator drew', async () => {
  const ds = await loadCelebA({ dir: faces });
  assert.equal(ds.name, 'synthetic-faces-all');
  assert.equal(ds.size, COUNT);
  assert.deepEqual(ds.imageShape, [64, 64, 3]);
  assert.deepEqual(ds.attributeNames, [...SYNTHETIC_ATTRIBUTES]);
  const batches = await all(ds, 16);
  assert.deepEqual(batches.map((b) => b.count), [16, 16, 8]);
  const attrs = Int8Array.from(batches.flatMap((b) => [...b.attributes!]));
  assert.deepEqual(attrs, expectedAttributes(Array.from({ length: COUNT }, (_, i) => i)));
  for (const b of batches) {
    assert.equal(b.images.length, b.count * 64 * 64 * 3);
    for (const v of b.images) assert.ok(v >= 0 && v <= 1);
  }
  // Each loaded image is the drawn face, resized: only JPEG noise between them.
  const first = specs().slice(0, 3);
  for (let k = 0; k < first.length; k++) {
    const f = first[k];
    const ref = await sharp(drawFace(f).toBytes(), { raw: { width: f.width, height: f.height, channels: 3 } })
      .resize(64, 64, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
    let diff = 0;
    for (let j = 0; j < ref.length; j++) diff += Math.abs(batches[0].images[k * ref.length + j] - ref[j] / 255);
    assert.ok(diff / ref.length < 0.02, `image ${k} mean abs difference ${diff / ref.length}`);
  }
});

test('a shuffled pass follows shuffledIndices(size, seed); same seed, same order', async () => {
  const ds = await loadCelebA({ dir: faces, imageSize: 32 });
  assert.deepEqual(ds.imageShape, [32, 32, 3]);
  const plain = (await all(ds, COUNT))[0];
  const run = async (seed: number) => all(ds, 12, { shuffle: true, seed, dropRemainder: true });
  const a = await run(9);
  assert.deepEqual(a.map((b) => b.count), [12, 12, 12]);
  const order = [...shuffledIndices(COUNT, 9)].slice(0, 36);
  assert.deepEqual(Int8Array.from(a.flatMap((b) => [...b.attributes!])), expectedAttributes(order));
  const per = 32 * 32 * 3;
  assert.deepEqual(a[1].images.subarray(0, per), plain.images.subarray(order[12] * per, (order[12] + 1) * per));
  assert.deepEqual((await run(9)).map((b) => b.images), a.map((b) => b.images));
  assert.notDeepEqual((await run(10)).map((b) => b.attributes), a.map((b) => b.attributes));
});

test('train and validation split the rows deterministically, limit takes a prefix', async () => {
  const train = await loadCelebA({ dir: faces, split: 'train' });
  const val = await loadCelebA({ dir: faces, split: 'validation' });
  assert.equal(train.size, 32);
  assert.equal(val.size, 8);
  const valRows = Array.from({ length: COUNT }, (_, i) => i).filter((i) => isValidationRow(i, 0.2));
  assert.deepEqual(valRows, [4, 9, 14, 19, 24, 29, 34, 39]);
  assert.deepEqual((await all(val, 100))[0].attributes, expectedAttributes(valRows));
  const limited = await loadCelebA({ dir: faces, split: 'train', limit: 5, validationFraction: 0.5 });
  assert.equal(limited.size, 5);
  assert.deepEqual((await all(limited, 100))[0].attributes, expectedAttributes([0, 2, 4, 6, 8]));
});

/** A copy of the set whose CSV is rewritten by `edit` (images shared through imagesDir). */
async function withCsv(edit: (lines: string[]) => void): Promise<{ attrCsv: string; imagesDir: string }> {
  const lines = (await readFile(join(faces, 'list_attr_celeba.csv'), 'utf8')).trimEnd().split('\n');
  edit(lines);
  const attrCsv = join(root, `attr-${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(attrCsv, lines.join('\n') + '\n');
  return { attrCsv, imagesDir: join(faces, 'img_align_celeba') };
}

function dataError(file: string | RegExp, row: number | undefined, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof DataError, String(err));
    if (typeof file === 'string') assert.equal(err.file, file);
    else assert.match(err.file ?? '', file);
    assert.equal(err.row, row);
    assert.match(err.message, message);
    return true;
  };
}

test('a CSV row with the wrong column count stops loading, naming the file and line', async () => {
  const opts = await withCsv((l) => { l[6] = l[6].replace(/,-?1$/, ''); });
  await assert.rejects(loadCelebA({ dir: faces, ...opts }), dataError(opts.attrCsv, 7, /line 7: has 8 columns, expected 9/));
});

test('a value other than 1/-1 or a bad header stops loading', async () => {
  const bad = await withCsv((l) => { l[3] = l[3].replace(/,(-?1),/, ',0,'); });
  await assert.rejects(loadCelebA({ dir: faces, ...bad }), dataError(bad.attrCsv, 4, /line 4: Black_Hair of 000003.jpg is "0", expected 1 or -1/));
  const header = await withCsv((l) => { l[0] = l[0].replace('image_id', 'file'); });
  await assert.rejects(loadCelebA({ dir: faces, ...header }), /first column is "file", expected "image_id"/);
  const dup = await withCsv((l) => { l[5] = l[2]; });
  await assert.rejects(loadCelebA({ dir: faces, ...dup }), /line 6: image 000002.jpg is listed again \(first on line 3\)/);
});

test('an image listed but missing stops loading, naming the image and its line', async () => {
  const copy = join(root, 'missing');
  await cp(faces, copy, { recursive: true });
  const gone = join(copy, 'img_align_celeba', '000017.jpg');
  await unlink(gone);
  await assert.rejects(loadCelebA({ dir: copy }), dataError(gone, 18, /000017.jpg, listed on line 18 .* is missing/));
  // A split or limit that never reads it still loads.
  assert.equal((await loadCelebA({ dir: copy, limit: 10 })).size, 10);
});

test('an undecodable JPEG fails when its batch is read, naming the file and line', async () => {
  const copy = join(root, 'corrupt');
  await cp(faces, copy, { recursive: true });
  const broken = join(copy, 'img_align_celeba', '000030.jpg');
  const jpeg = await readFile(broken);
  await writeFile(broken, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  const ds = await loadCelebA({ dir: copy });
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const b of ds.batches(10)) seen.push(b.count);
  }, dataError(broken, 31, /Cannot decode image .*000030.jpg \(line 31 of/));
  assert.deepEqual(seen, [10, 10], 'the batches before it arrive');
  await writeFile(broken, 'not a jpeg at all');
  await assert.rejects(all(ds, 40), dataError(broken, 31, /Cannot decode/));
});

test('reads the original list_attr_celeba.txt form too', async () => {
  const csv = (await readFile(join(faces, 'list_attr_celeba.csv'), 'utf8')).trimEnd().split('\n');
  const txt = [String(csv.length - 1), csv[0].split(',').slice(1).join(' '), ...csv.slice(1).map((l) => l.split(',').join('  '))];
  const attrCsv = join(root, 'list_attr_celeba.txt');
  await writeFile(attrCsv, txt.join('\n') + '\n');
  const ds = await loadCelebA({ dir: faces, attrCsv, limit: 8 });
  assert.deepEqual(ds.attributeNames, [...SYNTHETIC_ATTRIBUTES]);
  assert.deepEqual((await all(ds, 8))[0].attributes, expectedAttributes([0, 1, 2, 3, 4, 5, 6, 7]));
});
