/**
 * A bundle is written whole or not at all: a failing write (an injected ENOSPC; a real full tmpfs and a
 * read-only one where this process may mount) leaves the previous bundle byte for byte, no temporary
 * folder, and one line naming the path; `pnpm export` then exits 2 with that line and no stack.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportRun } from './export-run.ts';
import { writeBundleFolder } from './write-bundle.ts';
import { BundleWriteError } from '../errors.ts';
import { writeFakeRun } from '../testing/fake-run.ts';

const root = mkdtempSync(join(tmpdir(), 'latentkit-write-bundle-'));
const run = join(root, 'runs', 'vae');
const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

before(async () => {
  await writeFakeRun(run, { kind: 'vae', seed: 4 });
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Every file of a folder with its bytes. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

test('an ENOSPC half-way leaves the previous bundle byte for byte, no temporary folder, and names the path', async () => {
  const out = join(root, 'enospc', 'bundle');
  await exportRun(run, { outDir: out });
  const before = snapshot(out);
  let writes = 0;
  const io = {
    async writeFile(path: string, data: string | Uint8Array) {
      if (++writes === 2) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write', path });
      writeFileSync(path, data);
    },
  };
  await assert.rejects(exportRun(run, { outDir: out, io }), (e: unknown) => {
    assert.ok(e instanceof BundleWriteError);
    assert.equal(e.code, 'LATENTKIT_EXPORT_WRITE');
    assert.equal(e.errno, 'ENOSPC');
    assert.match(e.message, new RegExp(`^Cannot write ${out}: no space left on the device \\[ENOSPC\\] \\(at .*\\.tmp/[a-z]+\\.onnx\\); the previous ${out} is unchanged\\.$`));
    return true;
  });
  assert.deepEqual(snapshot(out), before);
  assert.deepEqual(readdirSync(join(root, 'enospc')), ['bundle'], 'no temporary folder left');
});

test('a new bundle replaces the old one whole, keeping files the export does not write', async () => {
  const out = join(root, 'replace', 'bundle');
  await writeBundleFolder(out, [{ name: 'attributes.json', data: '{}\n' }, { name: 'decoder.onnx', data: 'old' }]);
  await exportRun(run, { outDir: out });
  const files = readdirSync(out);
  for (const f of ['attributes.json', 'decoder.onnx', 'encoder.onnx', 'manifest.json', 'vae.onnx']) assert.ok(files.includes(f), `${f} in ${files}`);
  assert.notEqual(readFileSync(join(out, 'decoder.onnx'), 'utf8'), 'old');
  assert.deepEqual(readdirSync(join(root, 'replace')), ['bundle']);
});

/** Mounts a tmpfs of `kb` KiB at `dir`; false where this process may not mount (not root, no CAP_SYS_ADMIN). */
function mountTmpfs(dir: string, kb: number): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]).status === 0;
}

const mountable = (() => {
  const probe = join(root, 'probe');
  const ok = mountTmpfs(probe, 64);
  if (ok) spawnSync('umount', [probe]);
  return ok;
})();

test('pnpm export onto a full disk (a small tmpfs), then onto a read-only one: exit 2, one line naming the path, old bundle intact', { skip: mountable ? false : 'cannot mount a tmpfs here (needs root); the injected ENOSPC above covers the writer' }, async () => {
  const mnt = join(root, 'mnt');
  const out = join(mnt, 'bundle');
  const first = await exportRun(run, { outDir: join(root, 'sized') });
  const bytes = first.files.reduce((n, f) => n + readFileSync(f).length, 0);
  // Room for one bundle and a half: the previous bundle fits, a second copy beside it does not.
  assert.ok(mountTmpfs(mnt, Math.ceil((1.5 * bytes) / 1024)));
  try {
    await exportRun(run, { outDir: out });
    const before = snapshot(out);
    for (const remount of [null, 'remount,ro']) {
      if (remount) assert.equal(spawnSync('mount', ['-o', remount, mnt]).status, 0);
      const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--run', run, '--out', out], { encoding: 'utf8', env: { ...process.env, INIT_CWD: root } });
      assert.equal(r.status, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`^export: Cannot [a-z ]+ ${out}: (no space left on the device \\[ENOSPC\\]|the file system is read-only \\[EROFS\\])`));
      assert.deepEqual(snapshot(out), before);
      assert.deepEqual(readdirSync(mnt), ['bundle']);
    }
  } finally {
    spawnSync('umount', [mnt]);
  }
});
