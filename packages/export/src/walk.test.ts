import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportModel } from './export-model.ts';
import { UnsupportedLayersError, ExportError } from './errors.ts';
import { fromArtifacts } from './model-source.ts';
import { supportedClasses } from './registry.ts';

const input = (name: string, shape: (number | null)[]) => ({ class_name: 'InputLayer', config: { name, batch_input_shape: [null, ...shape] }, inbound_nodes: [] });
const layer = (cls: string, name: string, from: string, config: object = {}) => ({ class_name: cls, config: { name, ...config }, inbound_nodes: [[[from, 0, 0, {}]]] });

function model(layers: object[], inputs: string[], output: string) {
  return fromArtifacts({
    modelTopology: { class_name: 'Functional', config: { name: 'm', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: [[output, 0, 0]] } },
    weightSpecs: [],
    weightData: new ArrayBuffer(0),
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
      assert.match(err.message, /Supported layer classes: Activation, Add, .*ZeroPadding2D/);
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
  assert.throws(() => exportModel(m, { opset: 9 }), /opset must be an integer from 11 to 17, received 9/);
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
