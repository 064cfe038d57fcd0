import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildModel } from './build.ts';
import { loadModel, saveModel } from './io.ts';
import type { ModelPair } from './model-pair.ts';
import type { ModelKind } from '@latentkit/format';

await tf.setBackend('cpu');

const EXPECTED: Record<ModelKind, { encoder: number; decoder: number; latent: number; shape: number[] }> = {
  ae: { encoder: 96_770, decoder: 246_273, latent: 2, shape: [32, 32, 1] },
  vae: { encoder: 100_868, decoder: 246_273, latent: 2, shape: [32, 32, 1] },
  'faces-vae': { encoder: 253_584, decoder: 240_131, latent: 200, shape: [64, 64, 3] },
};

function images(pair: ModelPair, n: number, seed: number): tf.Tensor4D {
  const [h, w, c] = pair.imageShape;
  return tf.randomUniform([n, h, w, c], 0, 1, 'float32', seed) as tf.Tensor4D;
}

for (const kind of ['ae', 'vae', 'faces-vae'] as const) {
  test(`${kind}: parameter counts, shapes and layer names match the book`, () => {
    const pair = buildModel(kind, { seed: 1 });
    const want = EXPECTED[kind];
    assert.equal(pair.encoder.countParams(), want.encoder);
    assert.equal(pair.decoder.countParams(), want.decoder);
    assert.equal(pair.latentDim, want.latent);
    assert.deepEqual(pair.imageShape, want.shape);
    assert.deepEqual(pair.encoder.inputs[0].shape, [null, ...want.shape]);
    assert.deepEqual(pair.decoder.outputs[0].shape, [null, ...want.shape]);
    assert.equal(pair.encoder.layers[0].name, 'encoder_input');
    assert.equal(pair.decoder.layers[0].name, 'decoder_input');
    assert.ok(pair.decoder.getLayer('decoder_output'));
    if (kind === 'ae') {
      assert.deepEqual(pair.encoder.outputs.map((o) => o.shape), [[null, 2]]);
      assert.equal(pair.encoder.countParams() + pair.decoder.countParams(), 343_043);
    } else {
      assert.deepEqual(
        pair.encoder.outputs.map((o) => o.name.split('/')[0]),
        ['z_mean', 'z_log_var', 'z'],
      );
      assert.deepEqual(pair.encoder.outputs.map((o) => o.shape), [[null, want.latent], [null, want.latent], [null, want.latent]]);
    }
    tf.dispose([...pair.encoder.weights.map((w) => w.read()), ...pair.decoder.weights.map((w) => w.read())]);
  });
}

test('faces VAE places BatchNormalization then LeakyReLU(0.3) after every conv and the decoder Dense', () => {
  const pair = buildModel('faces-vae', { seed: 1 });
  const enc = pair.encoder.layers.map((l) => l.getClassName());
  assert.deepEqual(enc.slice(1, 16), Array(5).fill(['Conv2D', 'BatchNormalization', 'LeakyReLU']).flat());
  const dec = pair.decoder.layers.map((l) => l.getClassName());
  assert.deepEqual(dec, [
    'InputLayer', 'Dense', 'BatchNormalization', 'LeakyReLU', 'Reshape',
    ...Array(5).fill(['Conv2DTranspose', 'BatchNormalization', 'LeakyReLU']).flat(),
    'Conv2DTranspose',
  ]);
  const lrelu = pair.decoder.getLayer('decoder_lrelu_3').getConfig();
  assert.equal(lrelu.alpha, 0.3);
  const out = pair.decoder.getLayer('decoder_output').getConfig();
  assert.equal(out.activation, 'sigmoid');
  assert.deepEqual(out.strides, [1, 1]);
});

test('the same seed builds identical weights; another seed builds different ones', () => {
  const a = buildModel('vae', { seed: 7 });
  const b = buildModel('vae', { seed: 7 });
  const c = buildModel('vae', { seed: 8 });
  const wa = a.encoder.getLayer('z_mean').getWeights()[0].dataSync();
  assert.deepEqual(b.encoder.getLayer('z_mean').getWeights()[0].dataSync(), wa);
  assert.notDeepEqual(c.encoder.getLayer('z_mean').getWeights()[0].dataSync(), wa);
});

for (const kind of ['ae', 'vae', 'faces-vae'] as const) {
  test(`${kind}: save -> load gives identical weights and bit-identical outputs`, async () => {
    const dir = await mkdtemp(join(tmpdir(), `latentkit-io-${kind}-`));
    try {
      const pair = buildModel(kind, { seed: 3 });
      const x = images(pair, 4, 11);
      if (kind === 'faces-vae') {
        // Move the BN moving statistics off their initial values so the round trip covers them.
        // (Through a view without the Sampling layer, whose seeded noise sequence must stay at its start.)
        const trunk = tfl.model({ inputs: pair.encoder.inputs, outputs: pair.encoder.outputs.slice(0, 2) });
        tf.tidy(() => {
          trunk.apply(x, { training: true });
          pair.decoder.apply(tf.randomNormal([4, pair.latentDim], 0, 1, 'float32', 2), { training: true });
        });
      }
      await saveModel(pair.encoder, join(dir, 'encoder'));
      await saveModel(pair.decoder, join(dir, 'decoder'));
      assert.deepEqual((await readdir(join(dir, 'encoder'))).sort(), ['model.json', 'weights.bin']);
      const json = JSON.parse(await readFile(join(dir, 'encoder', 'model.json'), 'utf8'));
      assert.equal(json.format, 'layers-model');
      assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);

      const encoder = await loadModel(join(dir, 'encoder'));
      const decoder = await loadModel(join(dir, 'decoder'));
      for (const [orig, loaded] of [[pair.encoder, encoder], [pair.decoder, decoder]] as const) {
        const a = orig.getWeights();
        const b = loaded.getWeights();
        assert.equal(a.length, b.length);
        a.forEach((w, i) => assert.deepEqual(b[i].dataSync(), w.dataSync(), `weight ${orig.weights[i].originalName}`));
      }
      const outA = [pair.encoder.predict(x)].flat() as tf.Tensor[];
      const outB = [encoder.predict(x)].flat() as tf.Tensor[];
      assert.equal(outA.length, kind === 'ae' ? 1 : 3);
      outA.forEach((t, i) => assert.deepEqual(outB[i].dataSync(), t.dataSync(), `encoder output ${i}`));
      const z = tf.randomNormal([4, pair.latentDim], 0, 1, 'float32', 5);
      assert.deepEqual(
        (decoder.predict(z) as tf.Tensor).dataSync(),
        (pair.decoder.predict(z) as tf.Tensor).dataSync(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('loadModel names the folder when weights.bin does not match model.json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'latentkit-io-bad-'));
  try {
    const a = buildModel('ae', { seed: 1 });
    const b = buildModel('ae', { seed: 1, latentDim: 3 });
    await saveModel(a.decoder, join(dir, 'a'));
    await saveModel(b.decoder, join(dir, 'b'));
    const { copyFile } = await import('node:fs/promises');
    await copyFile(join(dir, 'b', 'weights.bin'), join(dir, 'a', 'weights.bin'));
    await assert.rejects(loadModel(join(dir, 'a')), /do not belong together/);
    await assert.rejects(loadModel(join(dir, 'missing')), /cannot read .*missing.*model\.json/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
