// Our native kernels and gradients (tfjs-node's 'tensorflow' backend) against tfjs's own formulas on
// the same backend, and the other backends untouched in the same process. Skips, saying why, where
// @tensorflow/tfjs-node does not load (it is an optional peer; see the README's native engine).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { withStockGradients } from '../gradients/register.ts';
import { maxRelativeError, randomValues, runOn } from '../kernels/test-util.ts';
import { initEngine } from '../select.ts';
import { buildModel } from '@latentkit/models';
import { Adam } from '@latentkit/models';
import { computeGradients } from '../../training/step.ts';
import { nonTrainableVariables } from '../../training/weights.ts';
import type { ModelKind } from '../../types.ts';
import { stepOnBothPaths } from './testing/step.ts';
import { referencePython } from './testing/reference-python.ts';
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

/** All weight gradients of one training step of `kind` at a small batch (with BN's updated moving statistics), concatenated. */
function modelGradients(kind: ModelKind, batch: number) {
  return () => {
    const pair = buildModel(kind, { seed: 7 });
    const images = tf.tidy(() => tf.add(tf.mul(tensor([batch, ...pair.imageShape], 8), 0.5), 0.5)) as tf.Tensor4D;
    const eps = randomValues(batch * pair.latentDim, 9);
    const { grads } = computeGradients(pair, images, { eps: kind === 'ae' ? undefined : eps });
    const keys = Object.keys(grads).sort();
    const moving = [...nonTrainableVariables(pair)].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
    return tf.concat([...keys.map((k) => tf.reshape(grads[k]!, [-1])), ...moving.map((v) => tf.reshape(v, [-1]))]);
  };
}

/*
 * A whole step against float64. Two float32 paths of the same step (ours, and tfjs's own formulas on the
 * same backend) need not agree to better than either's float32 error, and that error is not small for
 * the faces VAE: measured per tensor against TensorFlow float64 (testing/reference_f64.py; table in the
 * engine README), the largest error of the step, relative to its largest gradient, is
 *   faces VAE, batch 4   ours 2.2e-6 (oneDNN AVX-512) / 7.3e-4 (oneDNN AVX2, Eigen); tfjs's path 7.3e-4
 *                        on both; TensorFlow's own float32 (Keras's arithmetic) 7.3e-4 on both
 *   AE, VAE, batch 6     every path and TensorFlow float32 below 4e-6
 * The faces VAE's 7.3e-4 is float32 rounding in BatchNormalization's backward reductions (sum(dy) over
 * 16,384 values a channel with sum|dy| / |sum dy| up to ~300 at decoder_bn_5), amplified by 1/sigma
 * and every upstream sum; which reduction order a kernel uses (oneDNN's ISA) decides whether a path
 * lands at 2e-6 or 7e-4. Comparing ours with tfjs's therefore failed at 1e-4 wherever the two paths
 * used different orders (AVX-512), although both were float32-accurate.
 * So each path is held to TensorFlow's own float32 error of the same step, measured in the same run on
 * the same CPU: at most 2x it (summation order alone moves it ~1.001x here), with a floor of 1e-5 of the
 * largest gradient for a step whose float32 error happens to be tiny.
 */
const REFERENCE = fileURLToPath(new URL('./testing/reference_f64.py', import.meta.url));

interface ReferenceReport {
  scale: number;
  worst: { ours: number; stock: number; tf_float32: number };
  rows: { tensor: string; ours: number; stock: number; tf_float32: number }[];
}

function referenceReport(kind: ModelKind, batch: number, dump: object): ReferenceReport {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-f64-'));
  try {
    const file = join(dir, `${kind}.json`);
    writeFileSync(file, JSON.stringify(dump));
    const r = spawnSync(referencePython()!, [REFERENCE, file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`reference_f64.py failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    return JSON.parse(r.stdout) as ReferenceReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [kind, batch] of [['ae', 6], ['vae', 6], ['faces-vae', 4]] as const) {
  test(`native kernels: every weight gradient of a ${kind} step is as close to float64 as TensorFlow's own float32, on tfjs's path too`, async (t) => {
    if (unavailable) return t.skip(unavailable);
    const python = referencePython();
    if (python === undefined) return t.skip(`no reference Python (bash scripts/python/env.sh failed): the float64 comparison needs TensorFlow in Python`);
    const report = referenceReport(kind, batch, await stepOnBothPaths(kind, batch));
    const limit = Math.max(2 * report.worst.tf_float32, 1e-5);
    for (const row of report.rows) {
      assert.ok(row.ours <= limit, `ours, ${row.tensor}: error ${row.ours.toExponential(2)} of the largest gradient against float64; TensorFlow float32's worst ${report.worst.tf_float32.toExponential(2)}, limit ${limit.toExponential(2)}`);
      assert.ok(row.stock <= limit, `tfjs's path, ${row.tensor}: error ${row.stock.toExponential(2)} against float64; limit ${limit.toExponential(2)}`);
    }
    t.diagnostic(`worst error / largest gradient: ours ${report.worst.ours.toExponential(2)}, tfjs ${report.worst.stock.toExponential(2)}, TF float32 ${report.worst.tf_float32.toExponential(2)}`);
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
