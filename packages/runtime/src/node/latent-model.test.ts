/**
 * One suite over every real backend in Node: onnxruntime-node on CPU and onnxruntime-web's wasm build.
 * Each backend lists the cases it runs; an exclusion carries its reason (none needed so far).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LatentModel, DisposedError, InputError, type Device } from './index.ts';
import { makeBundle } from '../../test/fixtures.ts';

type Case = (m: LatentModel) => Promise<void>;
const cases: Record<string, Case> = {
  'sample is reproducible for a seed and returns images in [0, 1]': async (m) => {
    const a = await m.sample(5, { seed: 11 });
    const b = await m.sample(5, { seed: 11 });
    assert.deepEqual(a.z.data, b.z.data);
    assert.deepEqual(a.images.shape, [5, 32, 32, 1]);
    assert.ok(a.images.data.every((v) => v >= 0 && v <= 1));
    const c = await m.sample(5, { seed: 12 });
    assert.notDeepEqual(a.z.data, c.z.data);
    const cold = m.sampleLatents(5, { seed: 11, temperature: 0.5 }).z.data;
    cold.forEach((v, i) => assert.equal(v, Math.fround(a.z.data[i] * 0.5)));
  },
  'decode splits batches larger than maxSessionBatch and matches one-by-one decoding': async (m) => {
    const { z } = m.sampleLatents(300, { seed: 5 });
    const all = await m.decode(z);
    assert.deepEqual(all.shape, [300, 32, 32, 1]);
    for (const i of [0, 255, 256, 299]) {
      const one = await m.decode(z.data.slice(i * 2, i * 2 + 2));
      const ref = all.data.subarray(i * 1024, (i + 1) * 1024);
      one.data.forEach((v, k) => assert.ok(Math.abs(v - ref[k]) < 1e-5, `row ${i} pixel ${k}`));
    }
    assert.deepEqual((await m.decode([[0, 0], [1, -1]])).shape, [2, 32, 32, 1]);
  },
  'encode returns mean and logVar per image; reconstruct decodes the mean': async (m) => {
    const { images } = await m.sample(3, { seed: 1 });
    const e = await m.encode(images);
    assert.deepEqual(e.mean.shape, [3, 2]);
    assert.deepEqual(e.logVar?.shape, [3, 2]);
    const r = await m.reconstruct(images);
    assert.deepEqual(r.data, (await m.decode(e.mean)).data);
  },
  'morph goes from decode(a) to decode(b) along a straight line': async (m) => {
    const a = Float32Array.from([-1, 2]);
    const b = Float32Array.from([3, 0]);
    const r = await m.morph(a, b, 5);
    assert.deepEqual([...r.t], [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual([...r.z.data.subarray(4, 6)], [1, 1]);
    assert.deepEqual(r.images.data.subarray(0, 1024), (await m.decode(a)).data);
    assert.deepEqual(r.images.data.subarray(4 * 1024), (await m.decode(b)).data);
    const book = await m.morph(a, b, 10, { endpoint: false });
    assert.ok(Math.abs(book.t[9] - 0.9) < 1e-6);
    const { images } = await m.sample(2, { seed: 3 });
    const fromImages = await m.morph(images.data.subarray(0, 1024), images.data.subarray(1024), 3);
    const means = (await m.encode(images)).mean.data;
    assert.deepEqual([...fromImages.z.data.subarray(0, 2)], [...means.subarray(0, 2)]);
  },
  'morph with slerp keeps the endpoints and walks the arc; linear stays the default': async (m) => {
    const a = Float32Array.from([3, 0]);
    const b = Float32Array.from([0, 3]);
    const r = await m.morph(a, b, 3, { interpolation: 'slerp' });
    assert.deepEqual([...r.z.data.subarray(0, 2)], [3, 0]);
    const mid = r.z.data.subarray(2, 4);
    assert.ok(Math.abs(mid[0] - 3 / Math.SQRT2) < 1e-6 && Math.abs(mid[1] - 3 / Math.SQRT2) < 1e-6, `midpoint ${[...mid]}`);
    assert.ok(Math.abs(r.z.data[4]) < 1e-6 && Math.abs(r.z.data[5] - 3) < 1e-6);
    assert.deepEqual(r.images.data.subarray(0, 1024), (await m.decode(a)).data);
    assert.deepEqual([...(await m.morph(a, b, 3)).z.data.subarray(2, 4)], [1.5, 1.5]);
    await assert.rejects(m.morph(a, b, 3, { interpolation: 'cubic' as 'slerp' }), /interpolation must be one of linear, slerp/);
  },
  'traverse walks a dimension or a principal component from -k to +k standard deviations': async (m) => {
    const dim = await m.traverse([0.5, 1], { dimension: 1 }, { k: 2, steps: 5 });
    assert.deepEqual([...dim.offsets], [-2, -1, 0, 1, 2]);
    assert.deepEqual([...dim.z.data], [0.5, -1, 0.5, 0, 0.5, 1, 0.5, 2, 0.5, 3]);
    assert.deepEqual(dim.images.data.subarray(2 * 1024, 3 * 1024), (await m.decode([[0.5, 1]])).data);
    // The fixture's pca: component 0 = (1, 1)/sqrt 2 with variance 4, so one sd is 2 latent units along it.
    const pc = await m.traverse([0, 0], { component: 0 }, { k: 1, steps: 3 });
    assert.equal(pc.sd, 2);
    const s = 2 / Math.SQRT2;
    [-s, -s, 0, 0, s, s].forEach((v, i) => assert.ok(Math.abs(pc.z.data[i] - v) < 1e-6, `z[${i}] = ${pc.z.data[i]}, expected ${v}`));
    await assert.rejects(m.traverse([0, 0], { dimension: 2 }), (e: Error) => e instanceof InputError && /dimension must be an integer from 0 to 1/.test(e.message));
    await assert.rejects(m.traverse([0, 0], { component: 2 }), /component must be an integer from 0 to 1 \(this bundle stores 2/);
    await assert.rejects(m.traverse([0, 0], { dimension: 0 }, { k: 0 }), /k must be a finite number > 0/);
    await assert.rejects(m.traverse([0, 0], { dimension: 0 }, { steps: 1 }), /steps must be an integer >= 2/);
  },
  'attributeVector runs the book\'s running means with its stopping rule; applyAttribute walks along it': async (m) => {
    const { images } = await m.sample(1000, { seed: 9 });
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 1 : -1));
    const r = await m.attributeVector(images, labels, { seed: 1 });
    assert.ok(Math.abs(Math.hypot(...r.vector) - 1) < 1e-5);
    assert.equal(r.positives + r.negatives, r.batches * 128);
    assert.deepEqual((await m.attributeVector(images, labels, { seed: 1 })).vector, r.vector);
    // A threshold nothing can reach uses every image; one anything reaches stops after the first batch.
    const all = await m.attributeVector(images, labels, { threshold: 0 });
    assert.equal(all.converged, false);
    assert.equal(all.positives, 334);
    assert.equal(all.negatives, 666);
    const first = await m.attributeVector(images, labels, { threshold: 1e9, batchSize: 50 });
    assert.equal(first.batches, 1);
    assert.equal(first.converged, true);
    const applied = await m.applyAttribute([[0, 0]], r.vector, [-1, 0, 2]);
    assert.deepEqual(applied.z.shape, [3, 2]);
    assert.ok(Math.abs(applied.z.data[4] - 2 * r.vector[0]) < 1e-6);
    assert.deepEqual(applied.images.data.subarray(1024, 2048), (await m.decode([[0, 0]])).data);
  },
  'latentGrid covers the 2-d range row by row from the top left': async (m) => {
    const g = await m.latentGrid({ size: 3, range: [-1, 1] });
    assert.deepEqual([...g.z.data], [-1, 1, 0, 1, 1, 1, -1, 0, 0, 0, 1, 0, -1, -1, 0, -1, 1, -1]);
    assert.deepEqual(g.images.shape, [9, 32, 32, 1]);
  },
  'bad input fails with errors that name the problem': async (m) => {
    await assert.rejects(m.decode([[1, 2, 3]]), (e: Error) => e instanceof InputError && /z\[0\] must be 2 numbers/.test(e.message));
    await assert.rejects(m.decode(Float32Array.from([1, NaN])), /value 1 is NaN/);
    await assert.rejects(m.encode(new Float32Array(10)), /not a positive multiple of 32x32x1/);
    await assert.rejects(m.encode(new Float32Array(1024).fill(2)), /pixels must be in \[0, 1\]/);
    assert.throws(() => m.sampleLatents(0), /n must be a positive integer/);
    await assert.rejects(m.morph([0, 0], [1, 1], 1), /steps must be an integer >= 2/);
    await assert.rejects(m.applyAttribute([[0, 0]], 'Smiling', [1]), /No attribute vector "Smiling"/);
  },
};

const suites: Record<string, { device: Device; provider: string; include: string[] }> = {
  'onnxruntime-node cpu': { device: 'cpu', provider: 'cpu', include: Object.keys(cases) },
  'onnxruntime-web wasm': { device: 'wasm', provider: 'wasm', include: Object.keys(cases) },
};

let dir: string;
before(async () => {
  const s = Math.SQRT1_2;
  const pca = { count: 100, source: 'fixture', mean: [0, 0], components: [[s, s], [s, -s]], explainedVariance: [4, 1], explainedVarianceRatio: [0.8, 0.2] };
  dir = await makeBundle({ kind: 'vae', seed: 4, latents: { points: [], pca } });
});

for (const [suite, { device, provider, include }] of Object.entries(suites)) {
  let model: LatentModel;
  test(`${suite}: loads and runs on ${provider}`, async () => {
    model = await LatentModel.load(dir, { device });
    assert.equal(model.provider, provider);
    assert.equal(model.latentDim, 2);
    assert.equal(model.hasEncoder, true);
  });
  for (const name of include) test(`${suite}: ${name}`, () => cases[name](model));
  test(`${suite}: dispose releases the sessions and later calls throw`, async () => {
    await model.dispose();
    await assert.rejects(model.decode([[0, 0]]), DisposedError);
    await model.dispose(); // idempotent
  });
}

test('the cpu and wasm backends decode the same images (1e-4)', async () => {
  const cpu = await LatentModel.load(dir, { device: 'cpu' });
  const wasm = await LatentModel.load(dir, { device: 'wasm' });
  const { z } = cpu.sampleLatents(8, { seed: 2 });
  const a = (await cpu.decode(z)).data;
  const b = (await wasm.decode(z)).data;
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]))));
  assert.ok(worst < 1e-4, `max difference ${worst}`);
  await Promise.all([cpu.dispose(), wasm.dispose()]);
});

test('attributeVector of a plain autoencoder is exactly the normalised difference of the class means', async () => {
  // An AE has no sampling noise: with white images labelled +1 and black ones -1 the vector must be
  // normalise(encode(white) - encode(black)).
  const m = await LatentModel.load(await makeBundle({ kind: 'ae', seed: 4 }), { device: 'cpu' });
  const n = 300;
  const images = new Float32Array(n * 1024);
  const labels = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2 ? 1 : -1;
    if (labels[i] > 0) images.fill(1, i * 1024, (i + 1) * 1024);
  }
  const r = await m.attributeVector(images, labels, { batchSize: 64 });
  const codes = (await m.encode(images.subarray(0, 2048))).mean.data; // black, white
  const diff = [codes[2] - codes[0], codes[3] - codes[1]];
  const norm = Math.hypot(...diff);
  assert.ok(norm > 0);
  assert.ok(Math.abs(r.vector[0] - diff[0] / norm) < 1e-4 && Math.abs(r.vector[1] - diff[1] / norm) < 1e-4, `${[...r.vector]} vs ${diff}`);
  assert.ok(Math.abs(r.distance - norm) < 1e-4);
  assert.equal(r.converged, true);
  await m.dispose();
});

test('bundles exported as fp16 or with NCHW image tensors give the same results as fp32 NHWC', async () => {
  const ref = await LatentModel.load(await makeBundle({ kind: 'faces-vae', seed: 3 }), { device: 'cpu' });
  const nchw = await LatentModel.load(await makeBundle({ kind: 'faces-vae', seed: 3, layout: 'nchw' }), { device: 'cpu' });
  const fp16 = await LatentModel.load(await makeBundle({ kind: 'faces-vae', seed: 3, precision: 'fp16' }), { device: 'cpu' });
  const { z } = ref.sampleLatents(2, { seed: 4 });
  const a = await ref.decode(z);
  const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
  assert.ok(maxDiff(a.data, (await nchw.decode(z)).data) < 1e-5);
  assert.ok(maxDiff(a.data, (await fp16.decode(z)).data) < 2e-2);
  const e = await ref.encode(a);
  assert.ok(maxDiff(e.mean.data, (await nchw.encode(a)).mean.data) < 1e-5);
  await Promise.all([ref.dispose(), nchw.dispose(), fp16.dispose()]);
});

test('loads a bundle from in-memory files and from a file: URL, and names a missing decoder', async () => {
  const { readFile } = await import('node:fs/promises');
  const { pathToFileURL } = await import('node:url');
  const files = {
    'manifest.json': await readFile(`${dir}/manifest.json`, 'utf8'),
    'decoder.onnx': new Uint8Array(await readFile(`${dir}/decoder.onnx`)),
  };
  const m = await LatentModel.load(files, { device: 'cpu' });
  assert.equal(m.hasEncoder, false);
  await assert.rejects(m.encode(new Float32Array(1024)), /no encoder.onnx/);
  await m.dispose();
  await assert.rejects(LatentModel.load({ 'manifest.json': files['manifest.json'] }), /decoder.onnx is missing/);
  await assert.rejects(LatentModel.load({ ...files, 'manifest.json': '{"format":"x"}' }), /format: Invalid input/);
  await assert.rejects(LatentModel.load(dir, { device: 'tpu' as Device }), /Unsupported device "tpu"/);
  void pathToFileURL;
});

after(() => {});
