import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { serialization } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Sampling } from './sampling.ts';

await tf.setBackend('cpu');

test('Sampling computes z = mean + exp(0.5 log_var) * eps from an explicit eps', () => {
  const layer = new Sampling();
  const mean = tf.tensor2d([[0, 1], [2, -3]]);
  const logVar = tf.tensor2d([[0, Math.log(4)], [-2, 2]]);
  const eps = tf.tensor2d([[1, 1], [0.5, -1]]);
  const z = layer.apply([mean, logVar, eps]) as tf.Tensor;
  const want = [0 + 1 * 1, 1 + 2 * 1, 2 + Math.exp(-1) * 0.5, -3 + Math.exp(1) * -1];
  Array.from(z.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `z[${i}] = ${v}, want ${want[i]}`));
});

test('a seeded Sampling draws a reproducible sequence of different noises', () => {
  const mean = tf.zeros([3, 4]);
  const logVar = tf.zeros([3, 4]);
  const a = new Sampling({ seed: 9 });
  const b = new Sampling({ seed: 9 });
  const a1 = (a.apply([mean, logVar]) as tf.Tensor).dataSync();
  const a2 = (a.apply([mean, logVar]) as tf.Tensor).dataSync();
  assert.notDeepEqual(a2, a1);
  assert.deepEqual((b.apply([mean, logVar]) as tf.Tensor).dataSync(), a1);
  assert.deepEqual((b.apply([mean, logVar]) as tf.Tensor).dataSync(), a2);
});

test('Sampling is registered under its class name and its config round-trips', () => {
  assert.equal(Sampling.className, 'Sampling');
  const layer = new Sampling({ name: 'z', seed: 42 });
  const json = { className: layer.getClassName(), config: layer.getConfig() };
  const copy = tfl.layers.Layer.fromConfig(Sampling, json.config) as Sampling;
  assert.equal(copy.name, 'z');
  assert.equal(copy.seed, 42);
  assert.ok(serialization.SerializationMap.getMap().classNameMap.Sampling);
  assert.throws(() => layer.apply([tf.zeros([1, 2])]), /z_mean, z_log_var/);
});
