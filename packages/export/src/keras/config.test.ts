/**
 * Config normalization in isolation: Keras 2 shapes (as tfjs-layers' keras_format types describe
 * them: batch_input_shape, inbound_nodes as [[[name, node, index, kwargs]]], class "Model"), Keras 3
 * shapes (dict inbound nodes, flat input_layers, batch_shape, negative_slope), tracking keys, and
 * how the Sampling layer is recognised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeKerasConfig, toSnakeCase } from './config.ts';
import { UnsupportedKerasLayersError } from './errors.ts';

const k3tensor = (name: string, node = 0, index = 0) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [name, node, index] } });
const k3call = (...args: unknown[]) => [{ args, kwargs: {} }];
const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

describe('normalizeKerasConfig', () => {
  it('snake_case class names as Keras writes tracking keys', () => {
    assert.equal(toSnakeCase('Conv2DTranspose'), 'conv2d_transpose');
    assert.equal(toSnakeCase('BatchNormalization'), 'batch_normalization');
    assert.equal(toSnakeCase('LeakyReLU'), 'leaky_re_lu');
    assert.equal(toSnakeCase('Functional'), 'functional');
  });

  it('Keras 2 (tf.keras) functional config: batch_input_shape, nested-list inbound nodes, class Model', () => {
    const config = {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 4], dtype: 'float32' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 3, activation: 'relu', use_bias: true }, inbound_nodes: [[['in', 0, 0, {}]]] },
          { class_name: 'LeakyReLU', name: 'act', config: { name: 'act', alpha: 0.1 }, inbound_nodes: [[['d', 0, 0, {}]]] },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['act', 0, 0]],
      },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
    const n = normalizeKerasConfig(config, { file: 'k2.h5' });
    assert.equal(n.kerasMajor, 2);
    const layers = (n.topology.config as { layers: { class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown }[] }).layers;
    assert.deepEqual(layers[1].inbound_nodes, [[['in', 0, 0, {}]]]);
    assert.equal(layers[2].config.alpha, 0.1);
    assert.deepEqual(layers[0].config.batch_input_shape, [null, 4]);
  });

  it('Keras 3 config: dict inbound nodes, flat input_layers, batch_shape, negative_slope; weights by tracking key', () => {
    const inner = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      registered_name: 'Functional',
      name: 'block',
      config: {
        name: 'block',
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', name: 'b_in', config: { name: 'b_in', batch_shape: [null, 4] }, inbound_nodes: [] },
          { module: 'keras.layers', class_name: 'Dense', name: 'inner_dense', config: { name: 'inner_dense', units: 4, dtype }, inbound_nodes: k3call(k3tensor('b_in')) },
        ],
        input_layers: ['b_in', 0, 0],
        output_layers: ['inner_dense', 0, 0],
      },
      inbound_nodes: k3call(k3tensor('z_log_var')),
    };
    const config = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'encoder',
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, 4] }, inbound_nodes: [] },
          { module: 'keras.layers', class_name: 'Dense', name: 'z_mean', config: { name: 'z_mean', units: 4, dtype }, inbound_nodes: k3call(k3tensor('x')) },
          { module: 'keras.layers', class_name: 'Dense', name: 'z_log_var', config: { name: 'z_log_var', units: 4, dtype }, inbound_nodes: k3call(k3tensor('x')) },
          { module: 'keras.layers', class_name: 'LeakyReLU', name: 'lrelu', config: { name: 'lrelu', negative_slope: 0.2, dtype }, inbound_nodes: k3call(k3tensor('z_mean')) },
          inner,
          { module: 'my_pkg', class_name: 'Sampling', registered_name: 'my_pkg>Sampling', name: 'z', config: { name: 'z', dtype }, inbound_nodes: k3call([k3tensor('lrelu'), k3tensor('block')]) },
        ],
        input_layers: ['x', 0, 0],
        output_layers: [['z_mean', 0, 0], ['z', 0, 0]],
      },
    };
    const n = normalizeKerasConfig(config, { file: 'k3.keras' });
    assert.equal(n.kerasMajor, 3);
    const cfg = n.topology.config as { layers: { class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown }[]; input_layers: unknown };
    assert.deepEqual(cfg.input_layers, [['x', 0, 0]]);
    assert.deepEqual(cfg.layers[5].inbound_nodes, [[['lrelu', 0, 0, {}], ['block', 0, 0, {}]]]);
    assert.equal(cfg.layers[5].class_name, 'Sampling');
    assert.equal(cfg.layers[3].config.alpha, 0.2);
    // Tracking keys: class name + counter, not the layer's name; nested models have their own counters.
    assert.equal(n.layers.get('z_mean')!.trackingPath, 'layers/dense');
    assert.equal(n.layers.get('z_log_var')!.trackingPath, 'layers/dense_1');
    assert.equal(n.layers.get('lrelu')!.trackingPath, 'layers/leaky_re_lu');
    assert.equal(n.layers.get('block/inner_dense')!.trackingPath, 'layers/functional/layers/dense');
    assert.equal(n.layers.get('z')!.trackingPath, 'layers/sampling');
  });

  const samplingModel = (sampling: Record<string, unknown>, inputs: unknown[]) => ({
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, 4] }, inbound_nodes: [] },
        { module: '__main__', name: 's', config: { name: 's', dtype }, inbound_nodes: k3call(inputs), ...sampling },
      ],
      input_layers: ['x', 0, 0],
      output_layers: ['s', 0, 0],
    },
  });

  it('recognises Sampling under any registered name: plain, Custom>Sampling, my_pkg>Sampling', () => {
    for (const s of [{ class_name: 'Sampling' }, { class_name: 'Sampling', registered_name: 'Custom>Sampling' }, { class_name: 'Sampling', registered_name: 'my_pkg>Sampling' }]) {
      const n = normalizeKerasConfig(samplingModel(s, [k3tensor('x'), k3tensor('x')]), { file: 'f.keras' });
      assert.equal(n.layers.get('s')!.className, 'Sampling');
    }
  });

  it('a "Sampling" with weights or with one input is an unknown layer, named with class and module', () => {
    const withWeights = () => normalizeKerasConfig(samplingModel({ class_name: 'Sampling', registered_name: 'my_pkg>Sampling' }, [k3tensor('x'), k3tensor('x')]), { file: 'f.keras', hasWeights: () => true });
    assert.throws(withWeights, (err: unknown) => err instanceof UnsupportedKerasLayersError && /"s" \(class Sampling, registered as my_pkg>Sampling, module __main__\)/.test(err.message));
    const oneInput = () => normalizeKerasConfig(samplingModel({ class_name: 'Sampling' }, [k3tensor('x')]), { file: 'f.keras' });
    assert.throws(oneInput, /unsupported Keras layer "s" \(class Sampling, module __main__\): a sampling layer must have two inputs \[z_mean, z_log_var\] and no weights; this one has 1 input\(s\)\. Supported: .*Dense/);
  });

  it('refuses subclassed models and non-float32 policies with advice', () => {
    assert.throws(() => normalizeKerasConfig({ class_name: 'VAE', config: {} }, { file: 'vae.keras' }), /Subclassed models .* save the encoder and the decoder themselves/);
    const mixed = samplingModel({ class_name: 'Dense', config: { name: 's', units: 2, dtype: { ...dtype, config: { name: 'mixed_float16' } } } }, [k3tensor('x')]);
    assert.throws(() => normalizeKerasConfig(mixed, { file: 'm.keras' }), /computes in mixed_float16; only float32/);
  });
});
