import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportModel } from './export-model.ts';
import { UnsupportedLayersError, ExportError, LayerConversionError } from './errors.ts';
import { fromArtifacts } from './model-source.ts';
import { supportedClasses } from './registry.ts';
import { run } from './testing/ort.ts';

const input = (name: string, shape: (number | null)[]) => ({ class_name: 'InputLayer', config: { name, batch_input_shape: [null, ...shape] }, inbound_nodes: [] });
const layer = (cls: string, name: string, from: string, config: object = {}) => ({ class_name: cls, config: { name, ...config }, inbound_nodes: [[[from, 0, 0, {}]]] });

function model(layers: object[], inputs: string[], output: string | [string, number, number][], weights: Record<string, number[][]> = {}) {
  const outputs = typeof output === 'string' ? [[output, 0, 0]] : output;
  const specs = Object.entries(weights).map(([name, v]) => ({ name, shape: v[0], dtype: 'float32' }));
  const data = Float32Array.from(Object.values(weights).flatMap((v) => v[1]));
  return fromArtifacts({
    modelTopology: { class_name: 'Functional', config: { name: 'm', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs } },
    weightSpecs: specs,
    weightData: data.buffer,
  });
}

test('walks the whole model, nested models included, then reports every unsupported layer at once', () => {
  const inner = {
    class_name: 'Functional',
    config: {
      name: 'inner',
      layers: [input('inner_in', [8, 3]), layer('GRU', 'gru_1', 'inner_in', { units: 4 })],
      input_layers: [['inner_in', 0, 0]],
      output_layers: [['gru_1', 0, 0]],
    },
    inbound_nodes: [[['conv1d', 0, 0, {}]]],
  };
  const m = model([input('x', [8, 3]), layer('Conv1D', 'conv1d', 'x', { filters: 3, kernel_size: [3] }), inner, layer('MyCustomLayer', 'custom', 'inner')], ['x'], 'custom');
  assert.throws(
    () => exportModel(m),
    (err: unknown) => {
      assert.ok(err instanceof UnsupportedLayersError);
      assert.deepEqual(err.layers, [
        { name: 'conv1d', className: 'Conv1D' },
        { name: 'inner/gru_1', className: 'GRU' },
        { name: 'custom', className: 'MyCustomLayer' },
      ]);
      assert.deepEqual(err.supported, supportedClasses());
      assert.match(err.message, /"conv1d" \(Conv1D\), "inner\/gru_1" \(GRU\), "custom" \(MyCustomLayer\)/);
      assert.match(err.message, /Supported layer classes: Activation, .*Add, .*ZeroPadding2D/);
      return true;
    },
  );
});

test('a missing weight names the layer, the weight and what was found', () => {
  const m = model([input('x', [4]), layer('Dense', 'dense_1', 'x', { units: 2 })], ['x'], 'dense_1');
  assert.throws(() => exportModel(m), (err: unknown) => err instanceof ExportError && /Layer "dense_1" \(Dense\): weight "kernel" is missing; found \[\]/.test(err.message));
});

test('bad options are rejected with the allowed values', () => {
  const m = model([input('x', [4]), layer('Dropout', 'd', 'x', { rate: 0.1 })], ['x'], 'd');
  assert.throws(() => exportModel(m, { opset: 9 }), /opset must be an integer from 11 to 21, received 9/);
  assert.throws(() => exportModel(m, { opset: 22 }), /opset must be an integer from 11 to 21, received 22/);
  assert.throws(() => exportModel(m, { precision: 'int4' as never }), /precision must be "fp32", "fp16" or "int8", received "int4"/);
  assert.throws(() => exportModel(m, { layout: 'nwhc' as never }), /layout must be "nhwc" or "nchw"/);
  assert.throws(() => exportModel(m, { metadata: { n: 3 as never } }), /metadata\["n"\] must be a string/);
  assert.throws(() => exportModel(m, { role: 'vae' }), /role "vae": the encoder must have 1 output/);
});

test('weight data that does not match the specs is an error naming both sizes', () => {
  assert.throws(
    () => fromArtifacts({ modelTopology: { class_name: 'Functional', config: { name: 'm', layers: [] } }, weightSpecs: [{ name: 'd/kernel', shape: [2, 2], dtype: 'float32' }], weightData: new ArrayBuffer(8) }),
    /weight data holds 8 bytes, too few for "d\/kernel" at byte 0 \(16 bytes\)/,
  );
});

test('every layer a converter rejects is reported in one error, with the layers fed by them', () => {
  const inner = {
    class_name: 'Functional',
    config: { name: 'inner', layers: [input('inner_in', [4]), layer('Reshape', 'r', 'inner_in', { target_shape: [0] })], input_layers: [['inner_in', 0, 0]], output_layers: [['r', 0, 0]] },
    inbound_nodes: [[['x', 0, 0, {}]]],
  };
  const sum = { class_name: 'Add', config: { name: 'sum' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] };
  const layers = [input('x', [4]), layer('Dense', 'a', 'x', { units: 2 }), layer('Dense', 'b', 'x', { units: 2 }), sum, layer('ReLU', 'after_sum', 'sum'), inner, layer('Dropout', 'ok', 'x', { rate: 0.5 })];
  const m = model(layers, ['x'], [['after_sum', 0, 0], ['inner', 1, 0], ['ok', 0, 0]]);
  assert.throws(
    () => exportModel(m),
    (err: unknown) => {
      assert.ok(err instanceof LayerConversionError && err instanceof ExportError);
      assert.deepEqual(err.failures.map((f) => [f.name, f.className]), [['a', 'Dense'], ['b', 'Dense'], ['inner/r', 'Reshape']]);
      assert.deepEqual(err.notConverted, ['sum', 'after_sum']);
      assert.match(err.message, /^Cannot export 3 layers: \(1\) Layer "a" \(Dense\): weight "kernel" is missing.*; \(2\) Layer "b" .*; \(3\) Layer "inner\/r" \(Reshape\): target_shape must be positive integers.*\. 2 layer\(s\) fed by them were not converted: "sum", "after_sum"\.$/);
      return true;
    },
  );
});

test('a nested model referenced from node 0 (Keras 3 numbering, no construction node) is applied too', async () => {
  const seq = { class_name: 'Sequential', config: { name: 'seq', layers: [input('seq_in', [2]), { class_name: 'Dense', config: { name: 'd', units: 2 } }] }, inbound_nodes: [[['x', 0, 0, {}]]] };
  const m = model([input('x', [2]), seq, layer('ReLU', 'relu', 'seq')], ['x'], 'relu', { 'd/kernel': [[2, 2], [1, 2, 3, 4]], 'd/bias': [[2], [0.5, -100]] });
  const out = await run(exportModel(m), { x: { data: Float32Array.from([1, 1]), dims: [1, 2] } });
  assert.deepEqual(Array.from(out.relu.data), [4.5, 0]); // [1, 1] x [[1, 2], [3, 4]] + [0.5, -100], then ReLU
});

test('unknown classes and the options converters reject are reported together, in one pass', () => {
  const layers = [input('x', [3, 4, 2]), layer('GRU', 'gru', 'x', { units: 2 }), layer('Softmax', 'soft', 'x', { axis: 2 }), layer('UpSampling2D', 'up', 'x', { interpolation: 'lanczos3' })];
  const m = model(layers, ['x'], [['gru', 0, 0], ['soft', 0, 0], ['up', 0, 0]]);
  assert.throws(
    () => exportModel(m),
    (err: unknown) => {
      assert.ok(err instanceof UnsupportedLayersError);
      assert.deepEqual(err.layers, [{ name: 'gru', className: 'GRU' }]);
      assert.deepEqual(err.failures.map((f) => f.name), ['soft', 'up']);
      assert.match(err.message, /"gru" \(GRU\).* Also rejected: Layer "soft" \(Softmax\): only the last axis .*; Layer "up" \(UpSampling2D\): interpolation "lanczos3" is not supported/);
      return true;
    },
  );
});
