import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { parseModelSpec, presetSpec } from '@latentkit/format';
import { buildModel } from './build.ts';
import { buildFromSpec } from './spec-model.ts';
import { ValueError } from './errors.ts';

await tf.setBackend('cpu');

/**
 * Topologies (model.toJSON) and parameter counts of the former per-model builders (autoencoder.ts,
 * vae.ts, faces-vae.ts on main at 5181fd6), saved before they were replaced by the spec builder.
 */
const BOOK = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'book-topologies.json'), 'utf8')) as Record<
  string,
  { encoder: unknown; decoder: unknown; params: [number, number] }
>;

for (const kind of ['ae', 'vae', 'faces-vae'] as const) {
  test(`the ${kind} preset builds the former builder's graph exactly (layers, names, configs, initialiser seeds)`, () => {
    for (const seed of [undefined, 7]) {
      const saved = BOOK[`${kind}${seed === undefined ? '' : `-seed${seed}`}`]!;
      const pair = buildFromSpec(presetSpec(kind), { seed });
      assert.deepEqual(pair.encoder.toJSON(null, false), saved.encoder);
      assert.deepEqual(pair.decoder.toJSON(null, false), saved.decoder);
      assert.deepEqual([pair.encoder.countParams(), pair.decoder.countParams()], saved.params);
      assert.equal(pair.kind, kind);
      tf.dispose(pair.encoder.weights.map((w) => w.read()).concat(pair.decoder.weights.map((w) => w.read())));
    }
  });
}

test('a non-book spec: 48x48x3, filters 32,64,128, latent 16, batch norm, leaky ReLU', () => {
  const spec = parseModelSpec({
    type: 'vae', inputShape: [48, 48, 3], latentDim: 16, encoder: { filters: [32, 64, 128] }, norm: 'batch',
    activation: { name: 'leaky_relu', alpha: 0.2 }, loss: { type: 'mse', scale: 1000 },
  });
  const pair = buildModel(spec, { seed: 3 });
  assert.equal(pair.kind, undefined);
  assert.deepEqual(pair.encoder.outputs.map((o) => o.shape), [[null, 16], [null, 16], [null, 16]]);
  assert.deepEqual(pair.decoder.outputs[0].shape, [null, 48, 48, 3]);
  assert.deepEqual(pair.encoder.layers.slice(1, 4).map((l) => l.getClassName()), ['Conv2D', 'BatchNormalization', 'LeakyReLU']);
  assert.equal(pair.encoder.getLayer('encoder_lrelu_2').getConfig().alpha, 0.2);
  assert.deepEqual(pair.decoder.getLayer('decoder_reshape').outputShape, [null, 6, 6, 128]);
  assert.equal(pair.decoder.getLayer('decoder_output').getClassName(), 'Conv2D');
  // Parameters by hand: convs 3*3*in*out + out (+ 4*out BN), Dense in*out + out.
  const conv = (i: number, o: number) => 9 * i * o + o;
  const enc = conv(3, 32) + conv(32, 64) + conv(64, 128) + 4 * (32 + 64 + 128) + 2 * (6 * 6 * 128 * 16 + 16);
  const dec = (16 * 4608 + 4608) + 4 * 4608 + conv(128, 128) + conv(128, 64) + conv(64, 32) + 4 * (128 + 64 + 32) + conv(32, 3);
  assert.equal(pair.encoder.countParams(), enc);
  assert.equal(pair.decoder.countParams(), dec);
  const out = pair.decoder.predict(tf.randomNormal([2, 16], 0, 1, 'float32', 1)) as tf.Tensor;
  const v = out.dataSync();
  assert.ok(v.every((p) => p >= 0 && p <= 1));
});

test('a grey AE of another aspect ratio, 48x80, kernel 5, stride 2, four layers', () => {
  const spec = parseModelSpec({ type: 'ae', inputShape: [48, 80, 1], latentDim: 8, encoder: { filters: [8, 16, 16, 32], kernelSize: 5 } });
  const pair = buildModel(spec, { seed: 1 });
  assert.deepEqual(pair.encoder.outputs[0].shape, [null, 8]);
  assert.deepEqual(pair.decoder.getLayer('decoder_reshape').outputShape, [null, 3, 5, 32]);
  assert.deepEqual(pair.decoder.outputs[0].shape, [null, 48, 80, 1]);
  assert.deepEqual(pair.encoder.getLayer('encoder_conv_1').getConfig().kernelSize, [5, 5]);
});

test('sizes the strides cannot divide, and other bad specs, are refused as ValueError', () => {
  const bad = { ...presetSpec('faces-vae'), inputShape: [48, 48, 3] as [number, number, 3] };
  assert.throws(() => buildModel(bad), (e: Error) =>
    e instanceof ValueError && /image 48x48 with 5 stride-2 conv layers: height and width must be multiples of 2\^5 = 32/.test(e.message));
  assert.throws(() => buildModel({ ...presetSpec('vae'), latentDim: 0 }), /model spec: latentDim: Too small/);
  assert.throws(() => buildModel(presetSpec('vae'), { latentDim: 3 }), /latentDim 3 differs from the spec's 2/);
});
