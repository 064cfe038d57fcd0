/**
 * A bundle made the way users make it: a run folder (as `pnpm train` writes, from export's
 * writeFakeRun) exported by `exportRun` (what `pnpm export` calls), then loaded and served; the
 * int8 export of the same run too (bundle-int8/, what `pnpm serve --precision int8` picks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFakeRun } from '@latentkit/export/testing';
import { exportRun } from '@latentkit/export';
import { LatentModel } from './index.ts';
import { findBundle } from './find-bundle.ts';
import { createApp } from '../http/app.ts';

test('loads and serves what exportRun writes for a Fashion VAE run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'latentkit-run-'));
  try {
    const run = join(root, 'runs', 'vae-1');
    await writeFakeRun(run, { kind: 'vae', seed: 3 });
    const { outDir } = await exportRun(run);
    assert.equal(findBundle(run), outDir);
    const model = await LatentModel.load(outDir, { device: 'cpu' });
    assert.equal(model.manifest.kind, 'vae');
    const { images } = await model.sample(3, { seed: 1 });
    const { mean, logVar } = await model.encode(images);
    assert.deepEqual(mean.shape, [3, 2]);
    assert.ok(logVar && logVar.data.every(Number.isFinite));
    const res = await createApp(model).request('/v1/morph', { method: 'POST', body: JSON.stringify({ a: Array.from(mean.data.subarray(0, 2)), b: [0, 0], steps: 3 }) });
    assert.equal(res.status, 200);
    await model.dispose();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an int8 bundle (bundle-int8/) loads, decodes close to fp32, encodes and serves; findBundle picks it by precision', async () => {
  const root = mkdtempSync(join(tmpdir(), 'latentkit-run-'));
  try {
    const run = join(root, 'runs', 'vae-int8');
    await writeFakeRun(run, { kind: 'vae', seed: 4 });
    const fp32Dir = (await exportRun(run)).outDir;
    const { outDir } = await exportRun(run, { precision: 'int8', calibration: { images: 64, priorSamples: 64 } });
    assert.equal(outDir, join(run, 'bundle-int8'));
    assert.equal(findBundle(run, 'int8'), outDir);
    assert.equal(findBundle(run), fp32Dir);
    assert.throws(() => findBundle(run, 'fp16'), /pnpm export --run .* --precision fp16/);
    const [fp32, int8] = await Promise.all([LatentModel.load(fp32Dir, { device: 'cpu' }), LatentModel.load(outDir, { device: 'cpu' })]);
    assert.equal(int8.manifest.onnx?.precision, 'int8');
    const [a, b] = [await fp32.sample(16, { seed: 5 }), await int8.sample(16, { seed: 5 })];
    assert.deepEqual(b.images.shape, a.images.shape);
    let se = 0;
    a.images.data.forEach((v, i) => (se += (v - b.images.data[i]) ** 2));
    const psnr = 10 * Math.log10(1 / (se / a.images.data.length));
    assert.ok(psnr >= 30, `int8 vs fp32 PSNR ${psnr.toFixed(1)} dB`);
    const { mean } = await int8.encode(b.images);
    assert.deepEqual(mean.shape, [16, 2]);
    const res = await createApp(int8).request('/v1/sample', { method: 'POST', body: JSON.stringify({ n: 2, seed: 1 }) });
    assert.equal(res.status, 200);
    await Promise.all([fp32.dispose(), int8.dispose()]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
