import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'latentkit-format-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('writes bytes and JSON, creating missing folders, and leaves no temp file', () =>
  withDir(async (dir) => {
    await writeFileAtomic(join(dir, 'a', 'b', 'x.bin'), new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await readFile(join(dir, 'a', 'b', 'x.bin')))], [1, 2, 3]);
    await writeJsonAtomic(join(dir, 'm.json'), { kind: 'vae' });
    assert.equal(await readFile(join(dir, 'm.json'), 'utf8'), '{\n  "kind": "vae"\n}\n');
    assert.deepEqual((await readdir(dir)).sort(), ['a', 'm.json']);
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['x.bin']);
  }));

test('a write that fails half-way (file size limit) removes its temp file and leaves the old file intact', () =>
  withDir(async (dir) => {
    const target = join(dir, 'manifest.json');
    await writeFile(target, 'old contents\n');
    // A real short write: the child may write at most 64 KiB per file (ulimit -f counts 1 KiB blocks),
    // with SIGXFSZ ignored so the write returns EFBIG instead of killing it. 1 MiB cannot fit.
    const module = fileURLToPath(new URL('./atomic-write.ts', import.meta.url));
    const script = `import { writeFileAtomic } from ${JSON.stringify(module)};
      try { await writeFileAtomic(${JSON.stringify(target)}, new Uint8Array(1 << 20).fill(7)); console.log('written'); }
      catch (e) { console.log('failed ' + e.code); }`;
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 64; exec "$0" --import tsx --input-type=module -e "$1"`, process.execPath, script], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'failed EFBIG');
    assert.equal(await readFile(target, 'utf8'), 'old contents\n');
    assert.deepEqual(await readdir(dir), ['manifest.json']);
  }));

test('a rename that fails (target is a folder) removes the temp file and rethrows', () =>
  withDir(async (dir) => {
    await mkdir(join(dir, 'bundle', 'inner'), { recursive: true });
    await assert.rejects(writeFileAtomic(join(dir, 'bundle'), 'x'), (e: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes(e.code ?? ''));
    assert.deepEqual(await readdir(dir), ['bundle']);
    assert.deepEqual(await readdir(join(dir, 'bundle')), ['inner']);
  }));

test('concurrent writers to one file: the file is always one whole write, and no temp file is left', () =>
  withDir(async (dir) => {
    const target = join(dir, 'weights.bin');
    const size = 256 * 1024;
    const writes = Array.from({ length: 16 }, (_, i) => new Uint8Array(size).fill(i + 1));
    let torn = 0;
    let reading = true;
    // A reader polls while the writers race: it must never see a missing, short or mixed file.
    const reader = (async () => {
      while (reading) {
        const bytes = await readFile(target).catch(() => undefined);
        if (bytes && (bytes.length !== size || bytes.some((b) => b !== bytes[0]))) torn++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    await writeFileAtomic(target, writes[0]);
    await Promise.all(writes.map((w) => writeFileAtomic(target, w)));
    reading = false;
    await reader;
    const final = await readFile(target);
    assert.equal(final.length, size);
    assert.ok(final.every((b) => b === final[0]) && final[0] >= 1 && final[0] <= 16);
    assert.equal(torn, 0);
    assert.deepEqual(await readdir(dir), ['weights.bin']);
  }));
