// Our native kernels and gradients (tfjs-node's 'tensorflow' backend) against tfjs's own formulas on
// the same backend, and the other backends untouched in the same process. Skips, saying why, where
// @tensorflow/tfjs-node does not load (it is an optional peer; see the README's native engine).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { withStockGradients } from '../gradients/register.ts';
import { maxRelativeError, randomValues, runOn } from '../kernels/test-util.ts';
import { initEngine } from '../select.ts';
import { buildModel } from '../../models/build.ts';
import { Adam } from '../../training/adam.ts';
import { computeGradients } from '../../training/step.ts';
import { nonTrainableVariables } from '../../training/weights.ts';
import type { ModelKind } from '../../types.ts';
import { registerNativeTrainingKernels, withoutNativeGradients } from './register.ts';

let unavailable: string | false = false;
before(async () => {
  try {
    await initEngine('tfjs-node', { log: () => {} });
  } catch (error) {
    unavailable = `tfjs-node is not loadable here, native kernels not tested: ${(error as Error).message.split('\n')[0]}`;
  }
});

async function onNative<T>(fn: () => T): Promise<T> {
  await initEngine('tfjs-node', { log: () => {} });
  // runOn('cpu') switches the tfjs backend without telling initEngine: switch back explicitly.
  await tf.setBackend('tensorflow');
  assert.equal(tf.getBackend(), 'tensorflow');
  return fn();
}

/** Values of `fn` with our native gradients and with tfjs's own (and wasm's lean BN formula off). */
async function oursAndStock(fn: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
  const run = async () => {
    const t = await onNative(() => tf.tidy(fn));
    const v = (await t.data()) as Float32Array;
    t.dispose();
    return v;
  };
  const ours = await run();
  const stock = await withoutNativeGradients(() => withStockGradients(run));
  return [ours, stock];
}

const tensor = (shape: number[], seed: number, scale = 1) =>
  tf.mul(tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape), scale);

test('native ReluGrad: the ReLU gradient equals tfjs\'s dy * step(x) exactly', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const [ours, stock] = await oursAndStock(() => {
    const x = tensor([4, 6, 6, 8], 1);
    const w = tensor([4, 6, 6, 8], 2);
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), w)))(x);
  });
  assert.deepEqual(ours, stock);
  // And it really ran TensorFlow's op, not tfjs's Step.
  const names = await onNative(async () => {
    const x = tensor([2, 3], 1);
    const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x));
    return info.kernelNames;
  });
  assert.ok(names.includes('ReluGrad') && !names.includes('Step'), `kernels run: ${names.join(', ')}`);
});

test('native LeakyReluGrad: the LeakyReLU gradient (alpha 0.3, as Keras) equals tfjs\'s', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const [ours, stock] = await oursAndStock(() => {
    const x = tensor([4, 5, 5, 8], 3);
    const w = tensor([4, 5, 5, 8], 4);
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.3), w)))(x);
  });
  assert.ok(maxRelativeError(ours, stock) < 1e-6, `max relative error ${maxRelativeError(ours, stock)}`);
});

test('native SigmoidGrad: the sigmoid gradient equals tfjs\'s dy * y * (1 - y) to float32 noise', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const [ours, stock] = await oursAndStock(() => {
    const x = tensor([4, 8, 8, 1], 5, 4);
    const w = tensor([4, 8, 8, 1], 6);
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(v), w)))(x);
  });
  assert.ok(maxRelativeError(ours, stock) < 1e-6, `max relative error ${maxRelativeError(ours, stock)}`);
});

test('native Sum and Mean gradients: one broadcast, bitwise equal to tfjs\'s (dy * ones) / n', async (t) => {
  if (unavailable) return t.skip(unavailable);
  for (const axis of [[0, 1, 2], [1, 2, 3], [3], [0]]) {
    const [ours, stock] = await oursAndStock(() => {
      const x = tensor([3, 4, 5, 6], 12);
      const w = tensor(axis.length === 1 && axis[0] === 0 ? [4, 5, 6] : axis.length === 1 ? [3, 4, 5] : axis[0] === 0 ? [6] : [3], 13);
      const f = (v: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.mean(v, axis), w)), tf.sum(tf.mul(tf.sum(v, axis), w)));
      return tf.grad(f)(x);
    });
    assert.deepEqual(ours, stock, `axis [${axis}]`);
  }
});

/** All weight gradients of one training step of `kind` at a small batch, concatenated. */
function modelGradients(kind: ModelKind, batch: number) {
  return () => {
    const pair = buildModel(kind, { seed: 7 });
    const images = tf.tidy(() => tf.add(tf.mul(tensor([batch, ...pair.imageShape], 8), 0.5), 0.5)) as tf.Tensor4D;
    const eps = randomValues(batch * pair.latentDim, 9);
    const { grads } = computeGradients(pair, images, { eps: kind === 'ae' ? undefined : eps });
    const keys = Object.keys(grads).sort();
    // BatchNorm's moving statistics, updated by the step, too.
    const moving = [...nonTrainableVariables(pair)].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
    return tf.concat([...keys.map((k) => tf.reshape(grads[k]!, [-1])), ...moving.map((v) => tf.reshape(v, [-1]))]);
  };
}

for (const [kind, batch] of [['ae', 6], ['vae', 6], ['faces-vae', 4]] as const) {
  test(`native kernels: every weight gradient of a ${kind} step equals tfjs's own path (float32 noise)`, async (t) => {
    if (unavailable) return t.skip(unavailable);
    const [ours, stock] = await oursAndStock(modelGradients(kind, batch));
    assert.equal(ours.length, stock.length);
    const err = maxRelativeError(ours, stock);
    assert.ok(err < 1e-4, `max relative error ${err}`);
  });
}

test('native BatchNormalization: training mode runs FusedBatchNormV3 and its gradient FusedBatchNormGradV3', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const names = await onNative(async () => {
    const info = await tf.profile(() => modelGradients('faces-vae', 2)());
    return info.kernelNames;
  });
  assert.ok(names.includes('FusedBatchNormV3') && names.includes('FusedBatchNormGradV3'), `kernels run: ${[...new Set(names)].join(', ')}`);
});

test('native gradients leave the cpu backend\'s gradients as they were (same process)', async (t) => {
  if (unavailable) return t.skip(unavailable);
  registerNativeTrainingKernels();
  const x = [-2, -0.5, 0, 0.5, 3];
  const relu = await runOn('cpu', () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.tensor([1, 2, 3, 4, 5]))))(tf.tensor(x)));
  assert.deepEqual([...relu.values], [0, 0, 0, 4, 5]);
  const leaky = await runOn('cpu', () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.2), tf.tensor([1, 2, 3, 4, 5]))))(tf.tensor(x)));
  assert.deepEqual([...leaky.values].map((v) => Number(v.toFixed(6))), [0.2, 0.4, 0.6, 4, 5]);
  // The ops our kernels stand in for are not registered on cpu: a native gradient there would throw.
  assert.equal(tf.getKernel('ReluGrad', 'cpu'), undefined);
});

test('native ResourceApplyAdam: three Adam steps equal tfjs\'s elementwise update (float32 noise), inputs untouched', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const run = async (fusedKernel: boolean) =>
    onNative(() => {
      const adam = new Adam({ learningRate: 1e-3 });
      adam.useFusedKernel = fusedKernel;
      const w = new Map([['k', tf.variable(tensor([3, 3, 4, 5], 10), true, `w_${fusedKernel}`)], ['b', tf.variable(tensor([5], 11), true, `b_${fusedKernel}`)]]);
      const kept = w.get('k')!.clone();
      for (let step = 0; step < 3; step++) {
        const grads = { k: tensor([3, 3, 4, 5], 20 + step, 0.1), b: tensor([5], 30 + step, 0.1) };
        adam.apply(w, grads);
        tf.dispose(Object.values(grads));
      }
      const moments = adam.getState().tensors;
      const out = tf.concat([...w.values(), ...Object.keys(moments).sort().map((k) => moments[k]!)].map((x) => tf.reshape(x, [-1])));
      const values = out.dataSync().slice() as Float32Array;
      // The first update's input (the variable's initial value, still held by `kept`) is unchanged.
      const unchanged = maxRelativeError(kept.dataSync() as Float32Array, tensor([3, 3, 4, 5], 10).dataSync() as Float32Array) === 0;
      tf.dispose([out, kept, ...w.values()]);
      adam.dispose();
      return { values, unchanged };
    });
  const fused = await run(true);
  const plain = await run(false);
  assert.ok(fused.unchanged && plain.unchanged);
  const err = maxRelativeError(fused.values, plain.values);
  assert.ok(err < 1e-5, `max relative error ${err}`);
  const names = await onNative(async () => {
    const adam = new Adam({ learningRate: 1e-3 });
    const w = new Map([['x', tf.variable(tf.ones([4]))]]);
    const info = await tf.profile(() => adam.apply(w, { x: tf.ones([4]) }));
    return info.kernelNames;
  });
  assert.deepEqual(names.filter((n) => n !== 'ZerosLike' && n !== 'Fill'), ['ResourceApplyAdam']);
});
