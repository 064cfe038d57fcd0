/**
 * A Keras pair shaped like the keras.io VAE example (28x28x1 images, a 2-d latent space, its own
 * Sampling layer; export/test/keras-io-vae/make_pair.py writes it with the reference venv's Keras)
 * becomes a served bundle with no --kind: `latentkit export --keras-encoder E --keras-decoder D`,
 * the spec read from the graphs, then the runtime's HTTP app decodes and encodes within 1e-5 of
 * Keras. Skipped, saying why, where the reference venv (scripts/python/env.sh) is not available.
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
const MAKE = fileURLToPath(new URL('../../export/test/keras-io-vae/make_pair.py', import.meta.url));
const ENV = fileURLToPath(new URL('../../../scripts/python/env.sh', import.meta.url));
const TSX = import.meta.resolve('tsx');

const venv = spawnSync('bash', [ENV], { encoding: 'utf8', timeout: 900_000 });
const python = venv.status === 0 ? venv.stdout.trim().split('\n').pop() : undefined;

test('a keras.io-VAE-shaped Keras pair becomes a served bundle without --kind, within 1e-5 of Keras', { skip: python ? false : `no reference venv (scripts/python/env.sh exited ${venv.status})` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-kerasio-'));
  try {
    const made = spawnSync(python!, [MAKE, join(dir, 'keras')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(made.status, 0, made.stderr);
    const e = spawnSync(process.execPath, ['--import', TSX, MAIN, 'export', '--keras-encoder', join(dir, 'keras', 'encoder.keras'), '--keras-decoder', join(dir, 'keras', 'decoder.keras'), '--out', join(dir, 'bundle')], { encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /bundle \(vae 28x28x1, latentDim 2, image 28x28x1\)/);
    const manifest = parseBundleManifest(JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8')));
    assert.equal(manifest.kind, undefined);
    assert.deepEqual(manifest.spec.inputShape, [28, 28, 1]);
    assert.equal(manifest.spec.type, 'vae');
    assert.deepEqual(manifest.spec.encoder.filters, [32, 64]);

    const expected = JSON.parse(readFileSync(join(dir, 'keras', 'expected.json'), 'utf8')) as Record<string, number[]>;
    const model = await LatentModel.load(join(dir, 'bundle'));
    try {
      const app = createApp(model);
      const z = [0, 1, 2, 3].map((i) => expected.z!.slice(2 * i, 2 * i + 2));
      const res = await app.request('/v1/decode', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ z }) });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { images: { shape: number[]; data: number[] } };
      assert.deepEqual(body.images.shape, [4, 28, 28, 1]);
      // The JSON rounds pixels; compare the model's own float32 output for the 1e-5 check.
      const direct = await model.decode({ shape: [4, 2], data: new Float32Array(expected.z!) });
      const worst = Math.max(...Array.from(direct.data, (v, i) => Math.abs(v - expected.decoded![i]!)));
      assert.ok(worst <= 1e-5, `decoder differs from Keras by up to ${worst}`);
      const enc = await model.encode({ shape: [4, 28, 28, 1], data: new Float32Array(expected.images!) });
      const worstZ = Math.max(...Array.from(enc.mean.data, (v, i) => Math.abs(v - expected.z_mean![i]!)));
      assert.ok(worstZ <= 1e-5, `z_mean differs from Keras by up to ${worstZ}`);
    } finally {
      await model.dispose?.();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
