import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../errors.ts';
import { encodeIdx, readIdx } from './idx.ts';

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lk-idx-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const dims = [3, 5, 4];
const data = Uint8Array.from({ length: 60 }, (_, i) => (i * 37) % 256);

test('reads back what was written, raw and gzipped', () =>
  withTempDir(async (dir) => {
    const bytes = encodeIdx(dims, data);
    assert.deepEqual([...bytes.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, 3]);
    await writeFile(join(dir, 'a-idx3-ubyte'), bytes);
    await writeFile(join(dir, 'a-idx3-ubyte.gz'), gzipSync(bytes));
    // Content decides, not the name: gzip bytes under a raw name still read.
    await writeFile(join(dir, 'b-idx3-ubyte'), gzipSync(bytes));
    for (const name of ['a-idx3-ubyte', 'a-idx3-ubyte.gz', 'b-idx3-ubyte']) {
      const got = await readIdx(join(dir, name));
      assert.deepEqual(got.dims, dims);
      assert.deepEqual([...got.data], [...data]);
    }
  }));

test('a truncated file is an error naming the file and the missing bytes', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'train-images-idx3-ubyte');
    await writeFile(path, encodeIdx(dims, data).subarray(0, 50));
    await assert.rejects(readIdx(path), (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.equal(err.file, path);
      assert.match(err.message, new RegExp(`${path}.*truncated.*need 60 data bytes, found 34`));
      return true;
    });
  }));

test('a truncated gzip file is an error naming the file', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'x.gz');
    const gz = gzipSync(encodeIdx(dims, data));
    await writeFile(path, gz.subarray(0, gz.length - 10));
    await assert.rejects(readIdx(path), (err: unknown) => err instanceof DataError && err.file === path && /truncated/.test(err.message));
  }));

test('rejects a bad magic, a non-byte type, extra bytes, a missing file', () =>
  withTempDir(async (dir) => {
    const good = encodeIdx(dims, data);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['magic', Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]), /not an IDX file/],
      ['type', Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), /0x0d \(float32\); only 0x08/],
      ['extra', Uint8Array.from([...good, 9, 9]), /2 extra/],
      ['header', good.subarray(0, 10), /truncated header/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      await assert.rejects(readIdx(path), message);
    }
    await assert.rejects(readIdx(join(dir, 'nope')), /Cannot read IDX file .*nope/);
  }));
