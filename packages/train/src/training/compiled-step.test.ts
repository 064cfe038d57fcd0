/**
 * The compiled step (one TensorFlow graph call per batch) against the eager step it was recorded
 * from, on the native engine: same seeds, weights, images and noise, N steps each.
 *
 * Tolerances. Both paths run the same TensorFlow kernels; the graph session's grappler may fuse some
 * (Conv2D + BiasAdd + activation) and so change float32 rounding. Measured here (2-core Xeon,
 * AVX-512): losses equal or within 1e-7 relative, no weight element more than 1e-6 apart, Adam
 * moments within 2e-5 of each tensor's scale, the faces VAE bitwise equal. The limits below are
 * looser, for other ISAs (CI also runs under ONEDNN_MAX_CPU_ISA=AVX2), and each has a reason:
 *   - losses: 1e-5 relative (float32 sums over a batch);
 *   - weights and BN moving statistics: every element within 2 lr a step (Adam's largest update,
 *     what a gradient element near zero can flip), and 99.9% of elements within 1e-5 (x max(1, |w|)),
 *     except the biases right before a BatchNormalization: their exact gradient is 0, so both paths
 *     move them by Adam-scaled rounding noise (measured up to 0.9 lr a step in the spec case);
 *   - Adam m and v: within 1e-3 of the largest |m| (|v|) of all weights, the scale on which
 *     native.test.ts measured float32's own gradient error (up to 7.3e-4 in the faces VAE's BN).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { parseModelSpec, type ModelSpec } from '@latentkit/format';
import { initEngine } from '../engine/select.ts';
import { testEngines } from '../engine/test-engines.ts';
import { buildModel } from '@latentkit/models';
import type { ModelPair } from '@latentkit/models';
import type { ModelKind } from '../types.ts';
import { Adam } from '@latentkit/models';
import { CHECKPOINT_FORMAT, readCheckpoint, writeCheckpoint, type CheckpointState } from '@latentkit/models';
import { CompiledStep } from './compiled-step.ts';
import { evaluateBatch, trainStep } from './step.ts';
import { allVariables } from './weights.ts';

const native = testEngines().find((e) => e.engine === 'tfjs-node')!;

/** A non-book spec in the image-folder issue's style (RGB, BatchNorm, leaky ReLU, MSE), small enough for a test. */
const SPEC: ModelSpec = parseModelSpec({
  type: 'vae', inputShape: [16, 16, 3], latentDim: 4, encoder: { filters: [8, 16] }, norm: 'batch',
  activation: { name: 'leaky_relu', alpha: 0.2 }, loss: { type: 'mse', scale: 1000 },
});

/** A small conditional VAE (the conditional spec of conditional.test.ts, RGB with BatchNorm): its labels are fed per step. */
const CONDITIONAL: ModelSpec = parseModelSpec({
  type: 'vae', inputShape: [16, 16, 3], latentDim: 3, encoder: { filters: [4, 8] }, norm: 'batch',
  activation: { name: 'leaky_relu', alpha: 0.2 }, loss: { type: 'mse', scale: 100 }, conditional: { classes: ['a', 'b', 'c', 'd'] },
});

/** A conditional spec without BatchNormalization, which the compiled step may shard (replicas). */
const CONDITIONAL_NO_BN: ModelSpec = parseModelSpec({
  type: 'vae', inputShape: [16, 16, 3], latentDim: 3, encoder: { filters: [4, 8] },
  activation: { name: 'leaky_relu', alpha: 0.2 }, loss: { type: 'bce', scale: 100 }, conditional: { classes: ['a', 'b', 'c'] },
});

const CASES: { name: string; model: ModelKind | ModelSpec; latentDim?: number; batch: number; replicas?: number }[] = [
  { name: 'ae', model: 'ae', batch: 8 },
  { name: 'vae', model: 'vae', batch: 8 },
  { name: 'faces-vae (latent 16)', model: 'faces-vae', latentDim: 16, batch: 4 },
  { name: 'spec vae 16x16x3 batch-norm leaky-relu mse', model: SPEC, batch: 6 },
  { name: 'conditional vae 16x16x3 (4 classes, labels fed per step)', model: CONDITIONAL, batch: 6 },
  // One shard per replica (CompiledStepOptions.replicas): equal shards, uneven shards, and labels split with the images.
  { name: 'ae in 2 replicas (shards of 4 and 4)', model: 'ae', batch: 8, replicas: 2 },
  { name: 'vae in 3 replicas (shards of 3, 3 and 2)', model: 'vae', batch: 8, replicas: 3 },
  { name: 'conditional vae without batch norm in 2 replicas (labels split with the images)', model: CONDITIONAL_NO_BN, batch: 6, replicas: 2 },
];

const LR = 1e-3;
const STEPS = 3;

function images(pair: ModelPair, n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, ...pair.imageShape], 0, 1, 'float32', seed) as tf.Tensor4D;
}
function noise(pair: ModelPair, n: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n, pair.latentDim], 0, 1, 'float32', seed).dataSync() as Float32Array);
}
/** Class indices for a conditional pair (seeded, every class in range); undefined otherwise. */
function classLabels(pair: ModelPair, n: number, seed: number): Int32Array | undefined {
  const k = pair.spec.conditional?.classes.length;
  return k === undefined ? undefined : Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % k);
}

/**
 * Keys of the biases of layers whose output goes straight into a BatchNormalization: their exact
 * gradient is zero (BN subtracts the batch mean), so each path's gradient is float32 noise, which
 * Adam scales to steps of up to lr either way (native README: "conv biases before a BN").
 */
function noiseOnlyBiases(pair: ModelPair): Set<string> {
  const keys = new Set<string>();
  for (const part of ['encoder', 'decoder'] as const) {
    for (const layer of pair[part].layers) {
      const next = layer.outboundNodes.map((n) => n.outboundLayer.getClassName());
      if (next.length > 0 && next.every((c) => c === 'BatchNormalization')) keys.add(`${part}/${layer.name}/bias`);
    }
  }
  return keys;
}

function assertWeightsClose(a: ModelPair, b: ModelPair, steps: number): void {
  const wa = allVariables(a);
  const wb = allVariables(b);
  assert.deepEqual([...wb.keys()], [...wa.keys()]);
  const noisy = noiseOnlyBiases(a);
  let beyond = 0;
  let count = 0;
  for (const [k, v] of wa) {
    if (noisy.has(k)) {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(v, wb.get(k)!))).dataSync()[0]!);
      assert.ok(d <= 2 * LR * steps, `${k}: ${d} apart, more than Adam's 2 lr x ${steps} steps`);
      continue;
    }
    const p = v.dataSync();
    const q = wb.get(k)!.dataSync();
    for (let i = 0; i < p.length; i++) {
      const d = Math.abs(p[i]! - q[i]!);
      assert.ok(d <= 2 * LR * steps, `${k}[${i}]: ${p[i]} vs ${q[i]}, more than Adam's 2 lr x ${steps} steps apart`);
      if (d > 1e-5 * Math.max(1, Math.abs(p[i]!))) beyond++;
    }
    count += p.length;
  }
  assert.ok(beyond <= 1e-3 * count, `${beyond} of ${count} weight elements differ by more than 1e-5`);
}

function assertAdamClose(a: Adam, b: Adam): void {
  assert.equal(b.step, a.step);
  const sa = a.getState().tensors;
  const sb = b.getState().tensors;
  assert.deepEqual(Object.keys(sb).sort(), Object.keys(sa).sort());
  for (const which of ['/m', '/v']) {
    const keys = Object.keys(sa).filter((k) => k.endsWith(which));
    const scale = Math.max(...keys.map((k) => tf.tidy(() => tf.max(tf.abs(sa[k]!)).dataSync()[0]!)));
    for (const k of keys) {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(sa[k]!, sb[k]!))).dataSync()[0]!);
      assert.ok(d <= 1e-3 * scale, `${k}: max difference ${d}, scale ${scale}`);
    }
  }
}

describe('compiled training step on tfjs-node', { skip: native.skip }, () => {
  before(() => initEngine('tfjs-node', { log: () => {} }));

  for (const c of CASES) {
    test(`${c.name}: ${STEPS} compiled steps equal ${STEPS} eager steps (losses, weights, BN statistics, Adam state), and so does the validation pass`, () => {
      const args = { seed: 3, ...(c.latentDim ? { latentDim: c.latentDim } : {}) };
      const eager = buildModel(c.model, args);
      const compiled = buildModel(c.model, args);
      const optE = new Adam({ learningRate: LR });
      const optC = new Adam({ learningRate: LR });
      const step = CompiledStep.create(compiled, optC, { batchSizes: [c.batch], evalBatchSizes: [c.batch], replicas: c.replicas });
      try {
        assert.ok(step.eagerOps[c.batch]! > 50, `the trace holds ${step.eagerOps[c.batch]} ops`);
        // Every case has conv biases (their gradients become BiasAddGrad) and Conv2DTranspose biases
        // (Add of a reshaped bias -> BiasAdd): the comparison below covers both rewrites.
        assert.ok(step.rewrites['sum-to-bias-add-grad']! > 0 && step.rewrites['reshaped-bias-add']! > 0, JSON.stringify(step.rewrites));
        for (let s = 0; s < STEPS; s++) {
          const x = images(eager, c.batch, 10 + s);
          const eps = noise(eager, c.batch, 20 + s);
          const klWeight = s === 0 ? undefined : 0.5; // the spec's beta, then a warm-up weight
          const labels = classLabels(eager, c.batch, s);
          const le = trainStep(eager, optE, x, { eps, klWeight, labels });
          const lc = step.step(x, { eps, klWeight, labels });
          x.dispose();
          for (const part of ['total', 'reconstruction', 'kl'] as const) {
            assert.equal(lc[part] === undefined, le[part] === undefined, part);
            if (le[part] === undefined) continue;
            assert.ok(Math.abs(lc[part]! - le[part]!) <= 1e-5 * Math.abs(le[part]!) + 1e-7, `step ${s} ${part}: eager ${le[part]}, compiled ${lc[part]}`);
          }
        }
        // step() leaves the tfjs weights as they were: the session holds the state until sync().
        step.sync();
        assertWeightsClose(eager, compiled, STEPS);
        assertAdamClose(optE, optC);
        // The validation pass through the same graph: inference-mode losses on the session's weights,
        // against evaluateBatch on the same weights (the pair's, after sync()).
        const x = images(eager, c.batch, 50);
        const eps = noise(eager, c.batch, 51);
        const labels = classLabels(eager, c.batch, 5);
        const ve = evaluateBatch(compiled, x, { eps, klWeight: 0.5, labels });
        const vc = step.evaluate(x, { eps, klWeight: 0.5, labels });
        x.dispose();
        for (const part of ['total', 'reconstruction', 'kl'] as const) {
          if (ve[part] === undefined) continue;
          assert.ok(Math.abs(vc[part]! - ve[part]!) <= 1e-5 * Math.abs(ve[part]!) + 1e-7, `evaluate ${part}: eager ${ve[part]}, compiled ${vc[part]}`);
        }
      } finally {
        step.dispose();
        optE.dispose();
        optC.dispose();
      }
    });
  }

  test('one graph takes two batch sizes on the same variables; a checkpoint written after sync() resumes bit-identically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latentkit-compiled-'));
    const pair = buildModel('faces-vae', { seed: 4, latentDim: 6 });
    const opt = new Adam({ learningRate: LR });
    const step = CompiledStep.create(pair, opt, { batchSizes: [4, 3] });
    const sizes = [4, 3, 4, 3];
    const x = sizes.map((n, i) => images(pair, n, 30 + i));
    const eps = sizes.map((n, i) => noise(pair, n, 40 + i));
    try {
      step.step(x[0]!, { eps: eps[0] });
      step.step(x[1]!, { eps: eps[1] });
      assert.throws(() => step.step(images(pair, 5, 1)), /batch of 5 images; the graph takes 4 or 3/);
      step.sync();
      const state: CheckpointState = {
        format: CHECKPOINT_FORMAT, spec: pair.spec, kind: 'faces-vae', latentDim: 6, imageShape: [64, 64, 3], epoch: 1, seed: 4,
        batchSize: 4, learningRate: LR, beta: 2000, best: null, history: [],
      };
      await writeCheckpoint(join(dir, 'last'), { pair, optimizer: opt, state });
      const restored = await readCheckpoint(join(dir, 'last'));
      assert.equal(restored.optimizer.step, 2);
      const resumed = CompiledStep.create(restored.pair, restored.optimizer, { batchSizes: [4, 3] });
      try {
        for (const i of [2, 3]) {
          const a = step.step(x[i]!, { eps: eps[i] });
          const b = resumed.step(x[i]!, { eps: eps[i] });
          assert.deepEqual(b, a, `step ${i}`);
        }
        step.sync();
        resumed.sync();
        const wa = allVariables(pair);
        const wb = allVariables(restored.pair);
        assert.ok([...wa.keys()].some((k) => k.endsWith('moving_variance')));
        for (const [k, v] of wa) assert.deepEqual(wb.get(k)!.dataSync(), v.dataSync(), k);
      } finally {
        resumed.dispose();
        restored.optimizer.dispose();
      }
    } finally {
      step.dispose();
      opt.dispose();
      tf.dispose(x);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a conditional VAE: the labels are fed, not frozen in the graph (other labels, other losses and weights, as eager); missing or bad labels are refused', () => {
    const n = 6;
    const x = images(buildModel(CONDITIONAL, { seed: 1 }), n, 60);
    const eps = noise(buildModel(CONDITIONAL, { seed: 1 }), n, 61);
    const batches = [Int32Array.from([0, 1, 2, 3, 0, 1]), Int32Array.from([3, 3, 2, 0, 1, 2])];
    // One fresh pair per label batch, compiled and eager: the same first step under each label batch.
    const runs = batches.map((labels) => {
      const compiled = buildModel(CONDITIONAL, { seed: 5 });
      const eager = buildModel(CONDITIONAL, { seed: 5 });
      const optC = new Adam({ learningRate: LR });
      const optE = new Adam({ learningRate: LR });
      const step = CompiledStep.create(compiled, optC, { batchSizes: [n], evalBatchSizes: [n] });
      try {
        const evaluated = step.evaluate(x, { eps, labels });
        const trained = step.step(x, { eps, labels });
        const eagerTrained = trainStep(eager, optE, x, { eps, labels });
        step.sync();
        const dense = (p: ModelPair) => p.decoder.getLayer('decoder_dense').getWeights()[0]!.dataSync().slice();
        return { evaluated, trained, eagerTrained, dense: dense(compiled), eagerDense: dense(eager) };
      } finally {
        step.dispose();
        optC.dispose();
        optE.dispose();
      }
    });
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    for (const r of runs) {
      assert.ok(Math.abs(r.trained.total - r.eagerTrained.total) <= 1e-5 * Math.abs(r.eagerTrained.total), `compiled ${r.trained.total}, eager ${r.eagerTrained.total}`);
      assert.ok(r.dense.every((v, i) => Math.abs(v - r.eagerDense[i]!) <= 1e-5), 'decoder_dense as the eager step left it');
    }
    // Different labels: different losses (evaluation and training) and different label rows of decoder_dense.
    assert.notEqual(a.evaluated.reconstruction, b.evaluated.reconstruction);
    assert.notEqual(a.trained.total, b.trained.total);
    const gap = Math.max(...a.dense.map((v, i) => Math.abs(v - b.dense[i]!)));
    assert.ok(gap > 1e-4, `decoder_dense moved the same under both label batches (max gap ${gap})`);

    const pair = buildModel(CONDITIONAL, { seed: 1 });
    const opt = new Adam({ learningRate: LR });
    const step = CompiledStep.create(pair, opt, { batchSizes: [n] });
    try {
      assert.throws(() => step.step(x, { eps }), /conditional VAE \(4 classes\) needs a label per image; the batch has none/);
      assert.throws(() => step.step(x, { eps, labels: Int32Array.from([0, 1]) }), /2 labels for 6 images: they must match/);
      assert.throws(() => step.step(x, { eps, labels: Int32Array.from([0, 1, 2, 3, 4, 0]) }), /label 4 of image 4 is not a class index in \[0, 4\)/);
      assert.equal(opt.step, 0);
    } finally {
      step.dispose();
      opt.dispose();
      x.dispose();
    }
  });

  test('replicas: one copy of the step per shard in the graph; refused with BatchNormalization, named', () => {
    const nodes = (replicas: number) => {
      const opt = new Adam({ learningRate: LR });
      const step = CompiledStep.create(buildModel('vae', { seed: 1 }), opt, { batchSizes: [8], replicas });
      try {
        assert.equal(step.replicas, replicas);
        return step.graphNodes;
      } finally {
        step.dispose();
        opt.dispose();
      }
    };
    const one = nodes(1);
    // Variables, Adam and the init/sync nodes are shared; the traced ops (~400 here) are copied.
    assert.ok(nodes(2) > 1.5 * one, `2 replicas: ${nodes(2)} nodes, 1 replica: ${one}`);
    const opt = new Adam({ learningRate: LR });
    try {
      assert.throws(() => CompiledStep.create(buildModel(SPEC, { seed: 1 }), opt, { batchSizes: [6], replicas: 2 }), /replicas 2 with BatchNormalization: each shard would normalise with its own statistics/);
      assert.throws(() => CompiledStep.create(buildModel('ae', { seed: 1 }), opt, { batchSizes: [6], replicas: 0 }), /replicas must be a positive integer, received 0/);
    } finally {
      opt.dispose();
    }
  });

  // TensorFlow fixes its intra-op threads when it loads, so this runs the replica cases again in a
  // process of their own with each op on one thread: the layout pnpm train gives those models.
  test('with each TensorFlow op on one thread (how pnpm train runs models without BatchNormalization), the sharded cases pass again', { skip: process.env.TF_NUM_INTRAOP_THREADS === '1' && 'already in that layout' }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-name-pattern=replicas', fileURLToPath(import.meta.url)], {
      // NODE_TEST_CONTEXT (set by the runner running this file) would make the child report to it, not print.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, TF_NUM_INTRAOP_THREADS: '1' },
      encoding: 'utf8',
      timeout: 5 * 60_000,
    });
    assert.equal(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /# pass 4\b/, r.stdout.slice(-2000));
  });

  test('refuses images of another shape and eps of the wrong length, naming what it expected; leaks no tensors', () => {
    const pair = buildModel('vae', { seed: 1 });
    const opt = new Adam({ learningRate: LR });
    const step = CompiledStep.create(pair, opt, { batchSizes: [2] });
    try {
      const x = images(pair, 2, 1);
      assert.throws(() => step.step(x, { eps: new Float32Array(3) }), /eps holds 3 values; 2 images x latentDim 2 = 4 expected/);
      assert.throws(() => step.step(tf.zeros([2, 16, 16, 1]) as tf.Tensor4D), /the model takes \[n, 32, 32, 1\]/);
      assert.equal(opt.step, 0);
      step.step(x);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step.step(x);
      assert.equal(tf.memory().numTensors, before, 'a step leaves no tensors behind');
      assert.equal(opt.step, 4);
    } finally {
      step.dispose();
      opt.dispose();
    }
  });
});

test('the compiled step refuses an engine other than TensorFlow', async () => {
  await initEngine('wasm', { log: () => {} });
  const pair = buildModel('ae', { seed: 1 });
  assert.throws(() => CompiledStep.create(pair, new Adam({ learningRate: LR }), { batchSizes: [2] }), /runs on the native engine .*active backend is 'wasm'.*--no-compile/);
});
