/**
 * A bundle made the way users make it: a run folder (as `pnpm train` writes, from export's
 * writeFakeRun) exported by `exportRun` (what `pnpm export` calls), then loaded and served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFakeRun } from '@latentkit/export/testing/fake-run.ts';
import { exportRun } from '@latentkit/export/bundle/export-run.ts';
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
