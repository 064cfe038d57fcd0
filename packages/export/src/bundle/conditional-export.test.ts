/**
 * A conditional VAE's run folder exports to a conditional bundle: decoder (z, label) -> image and
 * encoder (image, label) -> z_mean, z_log_var, z, each with a dynamic batch and the one-hot label
 * [batch, K]; vae.onnx (image, label) -> reconstruction; the manifest lists the classes. fp32 matches
 * tfjs to float32 rounding; fp16 and int8 stay close.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '@latentkit/models';
import { parseBundleManifest, parseModelSpec } from '@latentkit/format';
import { exportModel } from '../export-model.ts';
import { composeVae } from '../model-source.ts';
import { FASHION_LABELS, randomizeBatchNorm, writeFakeRun } from '../testing/fake-run.ts';
import { maxAbsDiff, run, uniform } from '../testing/ort.ts';
import { exportRun } from './export-run.ts';

function oneHot(labels: number[], k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  labels.forEach((c, i) => (out[i * k + c] = 1));
  return out;
}

test('a conditional VAE exports to a bundle whose models take the one-hot label (fp32, fp16, int8)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'latentkit-cvae-export-'));
  try {
    const { pair } = await writeFakeRun(join(dir, 'run'), { kind: 'vae', conditional: true, seed: 4 });
    const labels = [0, 7, 9];
    const n = labels.length;
    const z = uniform(n * 2, 11, -2, 2);
    const images = uniform(n * 32 * 32, 12);
    const label = { data: oneHot(labels, 10), dims: [n, 10] };
    const expected = tf.tidy(() => (pair.decoder.predict([tf.tensor2d(z, [n, 2]), tf.tensor2d(label.data, [n, 10])]) as tf.Tensor).dataSync().slice());
    const [zMean] = tf.tidy(() => (pair.encoder.predict([tf.tensor4d(images, [n, 32, 32, 1]), tf.tensor2d(label.data, [n, 10])]) as tf.Tensor[]).map((t) => t.dataSync().slice()));
    const tolerance = { fp32: 1e-5, fp16: 2e-2, int8: 0.1 } as const;
    for (const precision of ['fp32', 'fp16', 'int8'] as const) {
      const { outDir, manifest } = await exportRun(join(dir, 'run'), { precision, calibration: { images: 64, priorSamples: 32 } });
      assert.deepEqual(manifest.spec.conditional?.classes, FASHION_LABELS, precision);
      assert.deepEqual(parseBundleManifest(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8'))).spec.conditional?.classes, FASHION_LABELS);
      assert.deepEqual(manifest.onnx.files.decoder?.inputs, [
        { name: 'z', shape: ['batch', 2], type: 'float32' },
        { name: 'label', shape: ['batch', 10], type: 'float32' },
      ]);
      assert.deepEqual(manifest.onnx.files.encoder?.inputs.map((i) => i.name), ['image', 'label', 'epsilon']);
      assert.deepEqual(manifest.onnx.files.vae?.inputs.map((i) => i.name), ['image', 'label']);
      const decoded = await run(await readFile(join(outDir, 'decoder.onnx')), { z: { data: z, dims: [n, 2] }, label });
      assert.deepEqual(decoded.image!.dims, [n, 32, 32, 1]);
      assert.ok(maxAbsDiff(decoded.image!.data, expected) < tolerance[precision], `${precision} decoder: ${maxAbsDiff(decoded.image!.data, expected)}`);
      const encoded = await run(await readFile(join(outDir, 'encoder.onnx')), { image: { data: images, dims: [n, 32, 32, 1] }, label, epsilon: { data: new Float32Array(n * 2), dims: [n, 2] } });
      const scale = Math.max(1, ...Array.from(zMean!, Math.abs));
      assert.ok(maxAbsDiff(encoded.z_mean!.data, zMean!) < tolerance[precision] * scale, `${precision} encoder: ${maxAbsDiff(encoded.z_mean!.data, zMean!)}`);
      const recon = await run(await readFile(join(outDir, 'vae.onnx')), { image: { data: images, dims: [n, 32, 32, 1] }, label });
      assert.deepEqual(recon.reconstruction!.dims, [n, 32, 32, 1]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a conditional spec beyond the book (16x24 RGB, batch norm, leaky ReLU, 4 classes) exports and matches tfjs', async () => {
  const pair = buildModel(parseModelSpec({
    type: 'vae', inputShape: [16, 24, 3], latentDim: 3, encoder: { filters: [4, 8] }, norm: 'batch', activation: { name: 'leaky_relu' },
    decoderOutput: 'conv2d_transpose', conditional: { classes: ['a', 'b', 'c', 'd'] },
  }), { seed: 6 });
  randomizeBatchNorm(pair.encoder, 3);
  randomizeBatchNorm(pair.decoder, 5);
  const n = 2;
  const label = { data: oneHot([1, 3], 4), dims: [n, 4] };
  const z = uniform(n * 3, 21, -2, 2);
  const images = uniform(n * 16 * 24 * 3, 22);
  const expected = tf.tidy(() => (pair.decoder.predict([tf.tensor2d(z, [n, 3]), tf.tensor2d(label.data, [n, 4])]) as tf.Tensor).dataSync().slice());
  const [zMean] = tf.tidy(() => (pair.encoder.predict([tf.tensor4d(images, [n, 16, 24, 3]), tf.tensor2d(label.data, [n, 4])]) as tf.Tensor[]).map((t) => t.dataSync().slice()));
  for (const [precision, tol] of [['fp32', 1e-5], ['fp16', 2e-2]] as const) {
    const dec = await run(exportModel(pair.decoder as never, { role: 'decoder', precision }), { z: { data: z, dims: [n, 3] }, label });
    assert.ok(maxAbsDiff(dec.image!.data, expected) < tol, `${precision} decoder ${maxAbsDiff(dec.image!.data, expected)}`);
    const enc = await run(exportModel(pair.encoder as never, { role: 'encoder', precision }), { image: { data: images, dims: [n, 16, 24, 3] }, label, epsilon: { data: new Float32Array(n * 3), dims: [n, 3] } });
    const scale = Math.max(1, ...Array.from(zMean!, Math.abs));
    assert.ok(maxAbsDiff(enc.z_mean!.data, zMean!) < tol * scale, `${precision} encoder ${maxAbsDiff(enc.z_mean!.data, zMean!)}`);
    const vae = await run(exportModel(composeVae(pair.encoder as never, pair.decoder as never), { role: 'vae', precision }), { image: { data: images, dims: [n, 16, 24, 3] }, label });
    assert.deepEqual(vae.reconstruction!.dims, [n, 16, 24, 3]);
  }
});
