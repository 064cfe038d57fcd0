/**
 * Models that apply other models (issue 12): nested Sequential and functional models at any
 * depth, applied once or several times, first layer or not. Each model is exported from the live
 * LayersModel, from its tfjs ModelArtifacts (model.save to an io handler) and from a saved
 * folder; the three files must be byte-identical, match `predict()` in onnxruntime-node to
 * float32 noise (max abs error <= 1e-5 at batch 1 and 7), store each shared weight once, and pass
 * the ONNX checker.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildVae, saveModel } from '@latentkit/models';
import { buildModelProto, exportModel } from './export-model.ts';
import { composeVae, loadModelFolder, type ExportableModel, type ModelArtifactsLike } from './model-source.ts';
import { CheckerBatch } from './testing/onnx-checker.ts';
import { maxAbsDiff, run, uniform } from './testing/ort.ts';

const TOLERANCE = 1e-5;
const checker = new CheckerBatch();
const root = mkdtempSync(join(tmpdir(), 'latentkit-nested-'));
let worst = 0;

type ST = tfl.SymbolicTensor;
const dense = (units: number, name: string, activation?: 'relu' | 'tanh') => tfl.layers.dense({ units, name, activation });

/** Deterministic weights for every variable of `model` (nested ones included); variances positive. */
function seedWeights(model: tfl.LayersModel, seed: number): void {
  const values = model.weights.map((w, i) => {
    const n = w.shape.reduce((a: number, c) => a * (c as number), 1);
    const positive = w.originalName.endsWith('moving_variance');
    return tf.tensor(uniform(n, seed * 100 + i, positive ? 0.5 : -0.5, positive ? 1.5 : 0.5), w.shape as number[]);
  });
  model.setWeights(values);
  values.forEach((t) => t.dispose());
}

async function artifactsOf(model: tfl.LayersModel): Promise<ModelArtifactsLike> {
  let artifacts: ModelArtifactsLike | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a as ModelArtifactsLike;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}

async function folderOf(model: tfl.LayersModel, label: string): Promise<ExportableModel> {
  const dir = join(root, label);
  await saveModel(model, dir);
  return loadModelFolder(dir);
}

/** Random inputs for the model's inputs at `batch` (same first rows at every batch). */
function inputsFor(model: tfl.LayersModel, batch: number): { data: Float32Array; shape: number[] }[] {
  return model.inputs.map((x, i) => {
    const shape = x.shape.slice(1) as number[];
    const n = shape.reduce((a, c) => a * c, 1);
    return { data: uniform(64 * n, 31 + i, -1, 1).subarray(0, batch * n), shape };
  });
}

/** predict() as flat arrays, one per output. */
function predict(model: tfl.LayersModel, xs: { data: Float32Array; shape: number[] }[], batch: number): Float32Array[] {
  return tf.tidy(() => {
    const ts = xs.map((x) => tf.tensor(x.data, [batch, ...x.shape]));
    const y = model.predict(ts.length === 1 ? ts[0] : ts);
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
}

/** Exports `model` three ways, checks they agree byte for byte and match predict(); returns the bytes. */
async function assertExportsMatchPredict(model: tfl.LayersModel, label: string): Promise<Uint8Array> {
  const live = exportModel(model);
  assert.deepEqual(exportModel(await artifactsOf(model)), live, 'artifacts export = live export');
  assert.deepEqual(exportModel(await folderOf(model, label)), live, 'folder export = live export');
  checker.add(label, live);
  for (const batch of [1, 7]) {
    const xs = inputsFor(model, batch);
    const expected = predict(model, xs, batch);
    const feeds = Object.fromEntries(xs.map((x, i) => [buildModelProto(model).graph.input[i].name, { data: x.data, dims: [batch, ...x.shape] }]));
    const out = Object.values(await run(live, feeds));
    assert.equal(out.length, expected.length, 'one ONNX output per Keras output');
    out.forEach((y, i) => {
      const err = maxAbsDiff(y.data, expected[i]);
      worst = Math.max(worst, err);
      assert.ok(err <= TOLERANCE, `${label}, batch ${batch}, output ${i}: max abs error ${err} > ${TOLERANCE}`);
    });
  }
  return live;
}

/** How many initializers hold a tensor of these dims. */
function initializersShaped(bytes: Uint8Array | tfl.LayersModel, dims: number[]): number {
  const proto = buildModelProto(bytes as tfl.LayersModel);
  return proto.graph.initializer.filter((t) => JSON.stringify((t.dims ?? []).map(Number)) === JSON.stringify(dims)).length;
}

describe('nested models export and match predict()', async () => {
  await tf.setBackend('cpu');

  test("the issue's case: a Sequential applied inside a functional model", async () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ inputShape: [4], units: 3, name: 'inner_dense' })] });
    const x = tfl.input({ shape: [4], name: 'x' });
    const m = tfl.model({ name: 'm', inputs: x, outputs: dense(2, 'head').apply(inner.apply(x)) as ST });
    seedWeights(m, 1);
    await assertExportsMatchPredict(m, 'sequential-once');
  });

  test('a Sequential applied twice, after another layer: its weights are stored once', async () => {
    const inner = tfl.sequential({ name: 'block', layers: [tfl.layers.dense({ inputShape: [5], units: 5, name: 'block_dense', activation: 'tanh' })] });
    const x = tfl.input({ shape: [6], name: 'x' });
    const h = dense(5, 'pre').apply(x) as ST;
    const m = tfl.model({ name: 'm', inputs: x, outputs: dense(2, 'head').apply(inner.apply(inner.apply(h))) as ST });
    seedWeights(m, 2);
    await assertExportsMatchPredict(m, 'sequential-twice');
    // pre's kernel is [6, 5]; the block's [5, 5] kernel, applied twice, is one initializer.
    assert.equal(initializersShaped(m, [5, 5]), 1);
  });

  test('a functional model with two inputs and two outputs, applied twice and as the model output', async () => {
    const a = tfl.input({ shape: [4], name: 'a' });
    const b = tfl.input({ shape: [4], name: 'b' });
    const joined = tfl.layers.concatenate({ name: 'join' }).apply([a, b]) as ST;
    const hidden = dense(6, 'hidden', 'relu').apply(joined) as ST;
    const inner = tfl.model({ name: 'pairwise', inputs: [a, b], outputs: [dense(4, 'out_a').apply(hidden) as ST, dense(4, 'out_b').apply(hidden) as ST] });
    const x1 = tfl.input({ shape: [4], name: 'x1' });
    const x2 = tfl.input({ shape: [4], name: 'x2' });
    const first = inner.apply([x1, x2]) as ST[];
    const second = inner.apply(first) as ST[];
    const m = tfl.model({ name: 'm', inputs: [x1, x2], outputs: [second[0], dense(3, 'head').apply(second[1]) as ST] });
    seedWeights(m, 3);
    await assertExportsMatchPredict(m, 'functional-twice');
    assert.equal(initializersShaped(m, [8, 6]), 1);
  });

  test('a Sequential whose first layer is a Sequential takes its input shape from the nested one', async () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ inputShape: [4], units: 3, name: 'inner_dense', activation: 'relu' })] });
    const m = tfl.sequential({ name: 'outer', layers: [inner, dense(2, 'head')] });
    seedWeights(m, 4);
    await assertExportsMatchPredict(m, 'sequential-first-sequential');
  });

  test('a Sequential whose first layer is a functional model, three levels deep', async () => {
    const innermost = tfl.sequential({ name: 'innermost', layers: [tfl.layers.dense({ inputShape: [4], units: 4, name: 'deep_dense', activation: 'tanh' })] });
    const x = tfl.input({ shape: [4], name: 'fx' });
    const functional = tfl.model({ name: 'functional', inputs: x, outputs: dense(3, 'mid').apply(innermost.apply(x)) as ST });
    const m = tfl.sequential({ name: 'outer', layers: [functional, dense(2, 'head')] });
    seedWeights(m, 5);
    await assertExportsMatchPredict(m, 'sequential-first-functional');
  });

  test('images: a conv block with BatchNormalization inside a Sequential inside a functional model, applied twice', async () => {
    const bx = tfl.input({ shape: [8, 8, 3], name: 'bx' });
    let t = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(bx) as ST;
    t = tfl.layers.batchNormalization({ name: 'bn' }).apply(t) as ST;
    t = tfl.layers.leakyReLU({ name: 'lrelu' }).apply(t) as ST;
    const block = tfl.model({ name: 'block', inputs: bx, outputs: t });
    const stage = tfl.sequential({ name: 'stage', layers: [block, tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, padding: 'same', name: 'deconv' })] });
    const x = tfl.input({ shape: [8, 8, 3], name: 'x' });
    const y = stage.apply(stage.apply(x)) as ST;
    const m = tfl.model({ name: 'm', inputs: x, outputs: dense(5, 'head').apply(tfl.layers.flatten({ name: 'flat' }).apply(y)) as ST });
    seedWeights(m, 6);
    const bytes = await assertExportsMatchPredict(m, 'images-twice');
    const proto = buildModelProto(m);
    assert.equal(proto.graph.node.filter((n) => n.op_type === 'BatchNormalization').length, 0, 'BN folded in both applications');
    // The BN-folded conv kernel [4, 3, 3, 3] and the ConvTranspose kernel [4, 3, 3, 3], once each (4 unshared).
    assert.equal(initializersShaped(m, [4, 3, 3, 3]), 2);
    assert.ok(bytes.length > 0);
  });

  test('one model shared by two different nested models', async () => {
    const shared = tfl.sequential({ name: 'shared', layers: [tfl.layers.dense({ inputShape: [4], units: 4, name: 'shared_dense', activation: 'tanh' })] });
    const left = tfl.sequential({ name: 'left', layers: [shared, dense(4, 'left_dense')] });
    const rx = tfl.input({ shape: [4], name: 'rx' });
    const right = tfl.model({ name: 'right', inputs: rx, outputs: dense(2, 'right_dense').apply(shared.apply(rx)) as ST });
    const x = tfl.input({ shape: [4], name: 'x' });
    const m = tfl.model({ name: 'm', inputs: x, outputs: right.apply(left.apply(x)) as ST });
    seedWeights(m, 7);
    await assertExportsMatchPredict(m, 'shared-across-models');
    assert.equal(initializersShaped(m, [4, 4]), 2, 'shared_dense once, left_dense once');
  });

  test('layers of the same name in the outer and a nested model keep their own weights (artifacts: by order)', async () => {
    const ix = tfl.input({ shape: [4], name: 'ix' });
    const inner = tfl.model({ name: 'inner', inputs: ix, outputs: dense(4, 'dense', 'tanh').apply(ix) as ST });
    const x = tfl.input({ shape: [4], name: 'x' });
    const m = tfl.model({ name: 'm', inputs: x, outputs: inner.apply(dense(4, 'dense').apply(x)) as ST });
    seedWeights(m, 11);
    assert.deepEqual((await artifactsOf(m)).weightSpecs?.map((w) => w.name), ['dense/kernel', 'dense/bias', 'dense/kernel', 'dense/bias']);
    await assertExportsMatchPredict(m, 'same-names');
  });

  test('composeVae equals the same nesting built in tfjs, from live models, artifacts and folders', async () => {
    const { encoder, decoder } = buildVae({ seed: 8 });
    const image = tfl.input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: 'image' });
    const [zMean, zLogVar] = encoder.apply(image) as ST[];
    const nested = tfl.model({ name: 'vae', inputs: image, outputs: [decoder.apply(zMean) as ST, zMean, zLogVar] });
    const composed = exportModel(composeVae(encoder, decoder), { role: 'vae' });
    assert.deepEqual(exportModel(nested, { role: 'vae' }), composed, 'composeVae = the tfjs nesting, byte for byte');
    assert.deepEqual(exportModel(composeVae(await artifactsOf(encoder), await artifactsOf(decoder)), { role: 'vae' }), composed);
    assert.deepEqual(exportModel(composeVae(await folderOf(encoder, 'vae-encoder'), await folderOf(decoder, 'vae-decoder')), { role: 'vae' }), composed);
    const xs = inputsFor(nested, 7);
    const expected = predict(nested, xs, 7);
    const out = await run(composed, { image: { data: xs[0].data, dims: [7, ...xs[0].shape] } });
    for (const [i, name] of ['reconstruction', 'z_mean', 'z_log_var'].entries()) {
      const err = maxAbsDiff(out[name].data, expected[i]);
      worst = Math.max(worst, err);
      assert.ok(err <= TOLERANCE, `${name}: max abs error ${err}`);
    }
    checker.add('compose-vae', composed);
  });

  test('composeVae of an encoder and a decoder that apply nested models', async () => {
    const bx = tfl.input({ shape: [8, 8, 1], name: 'bx' });
    const block = tfl.model({ name: 'down', inputs: bx, outputs: tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 'down_conv', activation: 'relu' }).apply(bx) as ST });
    const img = tfl.input({ shape: [8, 8, 1], name: 'img' });
    const flat = tfl.layers.flatten({ name: 'flat' }).apply(block.apply(img)) as ST;
    const encoder = tfl.model({ name: 'encoder', inputs: img, outputs: [dense(2, 'z_mean').apply(flat) as ST, dense(2, 'z_log_var').apply(flat) as ST] });
    const up = tfl.sequential({
      name: 'up',
      layers: [tfl.layers.dense({ inputShape: [2], units: 32, name: 'up_dense' }), tfl.layers.reshape({ targetShape: [4, 4, 2], name: 'up_reshape' })],
    });
    const decoder = tfl.sequential({ name: 'decoder', layers: [up, tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid', name: 'up_deconv' })] });
    seedWeights(encoder, 9);
    seedWeights(decoder, 10);
    const composed = exportModel(composeVae(encoder, decoder), { role: 'vae' });
    assert.deepEqual(exportModel(composeVae(await artifactsOf(encoder), await artifactsOf(decoder)), { role: 'vae' }), composed);
    assert.deepEqual(exportModel(composeVae(await folderOf(encoder, 'nested-encoder'), await folderOf(decoder, 'nested-decoder')), { role: 'vae' }), composed);
    const xs = inputsFor(encoder, 7);
    const [zMean, zLogVar] = predict(encoder, xs, 7);
    const recon = predict(decoder, [{ data: zMean, shape: [2] }], 7)[0];
    const out = await run(composed, { image: { data: xs[0].data, dims: [7, 8, 8, 1] } });
    for (const [name, expected] of [['reconstruction', recon], ['z_mean', zMean], ['z_log_var', zLogVar]] as const) {
      const err = maxAbsDiff(out[name].data, expected);
      worst = Math.max(worst, err);
      assert.ok(err <= TOLERANCE, `${name}: max abs error ${err}`);
    }
    checker.add('compose-nested', composed);
    await assertExportsMatchPredict(decoder, 'nested-decoder-alone');
  });
});

after(() => {
  console.log(`# nested models: worst max abs error vs predict(): ${worst}`);
  checker.assertAllValid('nested-model files');
});
