/**
 * A folder of your own images, end to end, as a new user runs it from a clone: a generated folder of
 * 300 mixed images (PNG and JPEG plus WebP, GIF, TIFF and RGBA; sizes 40..160 px; a few grey; one
 * corrupt file; a notes file) trained with `latentkit train --data DIR --image-size 48 --channels 3
 * --latent-dim 16 --epochs 2`, exported, loaded by the runtime and sampled over the HTTP app:
 * /v1/sample returns 48x48 RGB images, and the corrupt file is reported, not fatal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatentModel } from '@latentkit/runtime';
import { createApp } from '@latentkit/runtime/http';
import { parseBundleManifest } from '@latentkit/format';
import { writeMixedFolder } from '@latentkit/data';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

test('a generated folder of mixed images trains at 48x48x3, exports, and /v1/sample returns 48x48 RGB images', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-my-images-'));
  const env = { ...process.env, INIT_CWD: dir, LATENTKIT_CACHE_DIR: join(dir, 'cache') };
  const latentkit = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8', env, timeout: 300_000 });
  try {
    await writeMixedFolder(join(dir, 'my-images'), { count: 300, seed: 4 });
    const t = latentkit('train', '--data', 'my-images', '--image-size', '48', '--channels', '3', '--latent-dim', '16', '--epochs', '2', '--out', 'runs/mine', '--progress', 'lines');
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stderr, /image folder .*my-images: 301 image file\(s\), 300 decoded; 1 skipped \(unreadable: squares\/broken\.jpg \(/);
    assert.match(t.stderr, /labels from subfolders: discs, squares/);
    assert.match(t.stderr, /training a spec model \(48x48x3 vae, z 16, filters 32,64,128 \(k3 s2\), relu, bce x500\)/);
    assert.match(t.stderr, /epoch 2\/2: /);
    const run = JSON.parse(readFileSync(join(dir, 'runs/mine/manifest.json'), 'utf8'));
    assert.equal(run.format, 'latentkit-run/2');
    assert.equal(run.kind, undefined);
    assert.deepEqual(run.spec.inputShape, [48, 48, 3]);
    assert.deepEqual(run.data, { name: 'my-images-train', source: join(dir, 'my-images'), train: 240, validation: 60 });

    const e = latentkit('export', '--run', 'runs/mine');
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /bundle of .*runs\/mine \(vae 48x48x3, latentDim 16\)/);
    const bundle = join(dir, 'runs/mine/bundle');
    assert.deepEqual(parseBundleManifest(JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))).spec.latentDim, 16);

    const model = await LatentModel.load(bundle);
    try {
      const app = createApp(model);
      const res = await app.request('/v1/sample', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 3, seed: 5, encoding: 'uint8' }) });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { images: { shape: number[]; data: number[] } };
      assert.deepEqual(body.images.shape, [3, 48, 48, 3]);
      assert.equal(body.images.data.length, 3 * 48 * 48 * 3);
      const info = (await (await app.request('/v1/model')).json()) as { spec: { inputShape: number[] }; labelNames: string[] };
      assert.deepEqual(info.spec.inputShape, [48, 48, 3]);
      assert.deepEqual(info.labelNames, ['discs', 'squares']);
    } finally {
      await model.dispose?.();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
