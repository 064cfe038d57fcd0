import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../engine/select.ts';
import { buildModel } from '@latentkit/models';
import { Adam } from '@latentkit/models';
import { createParallelStepper } from './parallel.ts';
import { shardSizes } from './shards.ts';
import { computeGradients, trainStep } from './step.ts';
import { allVariables } from './weights.ts';

const engine = await initEngine('wasm', { log: () => {} });

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

function images(shape: readonly number[], n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, ...shape] as [number, number, number, number], 0, 1, 'float32', seed) as tf.Tensor4D;
}

function noise(n: number, dim: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n, dim], 0, 1, 'float32', seed).dataSync() as Float32Array);
}

test('shardSizes splits evenly, larger shards first', () => {
  assert.deepEqual(shardSizes(100, 2), [50, 50]);
  assert.deepEqual(shardSizes(10, 3), [4, 3, 3]);
  assert.deepEqual(shardSizes(1, 1), [1]);
});

test('a two-replica VAE step equals a one-thread step on the whole batch, and replicas stay identical', async () => {
  const single = buildModel('vae', { seed: 7 });
  const parallel = buildModel('vae', { seed: 7 });
  const optA = new Adam({ learningRate: 5e-4 });
  const optB = new Adam({ learningRate: 5e-4 });
  const stepper = await createParallelStepper({ engine, pair: parallel, optimizer: optB, modelArgs: { seed: 7 }, workers: 2 });
  try {
    assert.equal(stepper.workers, 2);
    const x = images(single.imageShape, 9, 1); // odd: shards of 5 and 4
    const eps = noise(9, 2, 2);
    // Gradients first: these are what the replicas must agree on.
    const whole = computeGradients(single, x, { eps: tf.tensor2d(eps, [9, 2]) });
    const split = await stepper.gradients(x, { eps });
    assert.deepEqual(Object.keys(split.grads).sort(), Object.keys(whole.grads).sort());
    for (const key of Object.keys(whole.grads)) {
      const d = maxRelDiff(split.grads[key]!.dataSync() as Float32Array, whole.grads[key]!.dataSync() as Float32Array);
      assert.ok(d < 1e-5, `${key}: relative difference ${d}`);
    }
    assert.ok(Math.abs(split.losses.total - whole.losses.total) < 1e-5 * whole.losses.total);
    assert.ok(Math.abs(split.losses.kl! - whole.losses.kl!) < 1e-5 * Math.max(1, whole.losses.kl!));
    tf.dispose([...Object.values(whole.grads), ...Object.values(split.grads)]);

    // Then full steps: losses agree, and after each step the worker holds exactly the main weights.
    for (let s = 0; s < 2; s++) {
      const la = trainStep(single, optA, x, { eps: tf.tensor2d(eps, [9, 2]) });
      const lb = await stepper.step(x, { eps });
      assert.ok(Math.abs(la.total - lb.total) < 1e-5 * la.total, `step ${s}: ${la.total} vs ${lb.total}`);
      const [worker] = await stepper.readWorkerWeights();
      for (const [key, v] of allVariables(parallel)) {
        assert.deepEqual(worker![key], v.dataSync(), `worker weight ${key} differs from the main thread's`);
      }
    }
    x.dispose();
  } finally {
    await stepper.dispose();
  }
});

test('workers: 1 runs on this thread only and matches trainStep exactly', async () => {
  const a = buildModel('ae', { seed: 3 });
  const b = buildModel('ae', { seed: 3 });
  const stepper = await createParallelStepper({ engine, pair: b, optimizer: new Adam({ learningRate: 1e-3 }), workers: 1 });
  const x = images(a.imageShape, 4, 5);
  const la = trainStep(a, new Adam({ learningRate: 1e-3 }), x);
  const lb = await stepper.step(x);
  assert.equal(lb.total, la.total);
  const wa = allVariables(a);
  for (const [key, v] of allVariables(b)) assert.deepEqual(v.dataSync(), wa.get(key)!.dataSync());
  assert.deepEqual(await stepper.readWorkerWeights(), []);
  await stepper.dispose();
  x.dispose();
});

test('an error inside a worker surfaces on the main thread and the worker shuts down', async () => {
  const pair = buildModel('vae', { seed: 1 });
  const before = process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  // The worker rebuilds the model from the spec and modelArgs; a latent size other than the spec's is refused there.
  await assert.rejects(
    createParallelStepper({ engine, pair, optimizer: new Adam({ learningRate: 1e-3 }), modelArgs: { seed: 1, latentDim: 3 }, workers: 2 }),
    (error: Error) => {
      assert.match(error.message, /parallel worker 1: init: buildModel: latentDim 3 differs from the spec's 2/);
      return true;
    },
  );
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length, before, 'the failed worker was shut down');
});

test('dispose stops the workers cleanly; a disposed stepper refuses work', async () => {
  const pair = buildModel('ae', { seed: 2 });
  const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  const before = ports();
  const stepper = await createParallelStepper({ engine, pair, optimizer: new Adam({ learningRate: 1e-3 }), workers: 2 });
  assert.equal(ports(), before + 1, 'one worker thread is running');
  const x0 = images(pair.imageShape, 4, 3);
  await stepper.step(x0);
  x0.dispose();
  await stepper.dispose();
  assert.equal(ports(), before, 'the worker thread has exited');
  await stepper.dispose(); // idempotent
  const x = images(pair.imageShape, 4, 1);
  await assert.rejects(stepper.step(x), /disposed/);
  x.dispose();
});

test('bad input is rejected before any work is sent', async () => {
  const pair = buildModel('vae', { seed: 2 });
  await assert.rejects(createParallelStepper({ engine, pair, optimizer: new Adam({ learningRate: 1e-3 }), workers: 0 }), /workers must be a positive integer/);
  const stepper = await createParallelStepper({ engine, pair, optimizer: new Adam({ learningRate: 1e-3 }), modelArgs: { seed: 2 }, workers: 2 });
  try {
    const x = images(pair.imageShape, 4, 1);
    await assert.rejects(stepper.step(x, { eps: new Float32Array(7) }), /eps holds 7 values; 4 images x latentDim 2 = 8 expected/);
    const wrong = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    await assert.rejects(stepper.step(wrong), /images have shape \[2,28,28,1\]/);
    tf.dispose([x, wrong]);
  } finally {
    await stepper.dispose();
  }
});
