/**
 * A Keras 3 conditional VAE pair (two-input encoder [image, label] and decoder [z, label], label a
 * one-hot [10]; export/test/keras-cvae/make_cvae_pair.py writes it with the reference venv's Keras)
 * becomes a conditional bundle: `latentkit export --keras-encoder E --keras-decoder D` records
 * spec.conditional.classes, and the runtime decodes and encodes each class within 1e-5 of Keras, over
 * HTTP too. Skipped, saying why, where the reference venv (scripts/python/env.sh) is not available.
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

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const MAKE = fileURLToPath(new URL('../../export/test/keras-cvae/make_cvae_pair.py', import.meta.url));
const ENV = fileURLToPath(new URL('../../../scripts/python/env.sh', import.meta.url));
const TSX = import.meta.resolve('tsx');
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const venv = spawnSync('bash', [ENV], { encoding: 'utf8', timeout: 900_000 });
const python = venv.status === 0 ? venv.stdout.trim().split('\n').pop() : undefined;

test('a Keras conditional VAE pair imports as a conditional bundle and decodes each class within 1e-5 of Keras', { skip: python ? false : `no reference venv (scripts/python/env.sh exited ${venv.status})` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-keras-cvae-'));
  try {
    const made = spawnSync(python!, [MAKE, join(dir, 'keras')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(made.status, 0, made.stderr);
    const run = (extra: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, 'export', '--keras-encoder', join(dir, 'keras', 'encoder.keras'), '--keras-decoder', join(dir, 'keras', 'decoder.keras'), ...extra], { encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    const e = run(['--out', join(dir, 'bundle')]);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /bundle \(cvae 28x28x1, latentDim 2, image 28x28x1\)/);
    const manifest = parseBundleManifest(JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8')));
    assert.deepEqual(manifest.spec.conditional?.classes, FASHION);
    assert.deepEqual(manifest.onnx.files.decoder?.inputs.map((i) => [i.name, i.shape]), [['z', ['batch', 2]], ['label', ['batch', 10]]]);
    // --labels must name K classes.
    const wrong = run(['--out', join(dir, 'bundle2'), '--labels', 'a,b,c']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /is a conditional VAE on 10 classes \(its label input is \[10\]\); --labels names 3: give 10 names/);

    const expected = JSON.parse(readFileSync(join(dir, 'keras', 'expected.json'), 'utf8')) as Record<string, number[]>;
    const model = await LatentModel.load(join(dir, 'bundle'));
    try {
      const classes = expected.labels!;
      const direct = await model.decode({ shape: [4, 2], data: new Float32Array(expected.z!) }, { class: classes });
      const worst = Math.max(...Array.from(direct.data, (v, i) => Math.abs(v - expected.decoded![i]!)));
      assert.ok(worst <= 1e-5, `decoder differs from Keras by up to ${worst}`);
      const enc = await model.encode({ shape: [4, 28, 28, 1], data: new Float32Array(expected.images!) }, { class: classes });
      const worstZ = Math.max(...Array.from(enc.mean.data, (v, i) => Math.abs(v - expected.z_mean![i]!)));
      assert.ok(worstZ <= 1e-5, `z_mean differs from Keras by up to ${worstZ}`);
      // Over HTTP, by class name: the first latent decoded as "T-shirt/top" (label 0).
      const app = createApp(model);
      const res = await app.request('/v1/decode', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ z: [expected.z!.slice(0, 2)], class: 'T-shirt/top' }) });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { images: { data: number[] } };
      assert.ok(Math.max(...body.images.data.map((v, i) => Math.abs(v - expected.decoded![i]!))) < 1e-3);
    } finally {
      await model.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
