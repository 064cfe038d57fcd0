/**
 * The end-of-training inference passes (latents.json's encoding, the quality report's reconstruction
 * errors) as graph calls on the native engine against the same passes run eagerly: outputs within
 * 1e-5, labels fed (not frozen) for a conditional VAE, and the cases that stay eager.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { parseModelSpec, type ModelSpec } from '@latentkit/format';
import { buildModel, oneHotLabels, ValueError, type ModelPair } from '@latentkit/models';
import { Uint8ImageDataset } from '@latentkit/data';
import { initEngine } from '../engine/select.ts';
import { testEngines } from '../engine/test-engines.ts';
import { encodeFirst, latentsOf } from './artifacts.ts';
import { InferencePass, MIN_GRAPH_BATCHES } from './inference-pass.ts';
import { InferenceGraph } from '../engine/native/compiled/inference.ts';
import { allVariables } from './weights.ts';
import { conditionalSamples, qualityReport, reconstructionMse } from '../quality/quality-report.ts';

const native = testEngines().find((e) => e.engine === 'tfjs-node')!;

/** A small conditional VAE with BatchNorm (moving statistics frozen into the graph). */
const CONDITIONAL: ModelSpec = parseModelSpec({
  type: 'vae', inputShape: [16, 16, 1], latentDim: 2, encoder: { filters: [4, 8] }, norm: 'batch',
  loss: { type: 'bce', scale: 50 }, conditional: { classes: ['a', 'b', 'c'] },
});
const PLAIN: ModelSpec = parseModelSpec({ type: 'vae', inputShape: [16, 16, 1], latentDim: 2, encoder: { filters: [4, 8] }, loss: { type: 'bce', scale: 50 } });

function dataset(count: number, seed: number, labelled: boolean): Uint8ImageDataset {
  const pixels = new Uint8Array(count * 256);
  let s = seed;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const labels = labelled ? Int32Array.from({ length: count }, (_, i) => i % 3) : undefined;
  return new Uint8ImageDataset({ name: 'd', source: 'test', pixels, storedShape: [16, 16, 1], imageShape: [16, 16, 1], ...(labels ? { labels } : {}) });
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return d;
}

/** Moves BatchNorm's moving statistics off their initial 0 / 1, so freezing them is tested. */
function shiftMovingStatistics(pair: ModelPair): void {
  for (const w of pair.encoder.nonTrainableWeights) {
    const v = w.read() as tf.Variable;
    v.assign(tf.tidy(() => tf.add(v, tf.randomUniform(v.shape, 0.1, 0.5, 'float32', 3))));
  }
}

describe('inference passes as graph calls on tfjs-node', { skip: native.skip }, () => {
  before(() => initEngine('tfjs-node', { log: () => {} }));

  test('full batches run as one graph call and equal the eager pass within 1e-5; labels are fed, not frozen; a partial batch runs eagerly', () => {
    const pair = buildModel(CONDITIONAL, { seed: 2 });
    shiftMovingStatistics(pair);
    const n = 8;
    const x = tf.randomUniform([n, 16, 16, 1], 0, 1, 'float32', 4);
    const eps = tf.randomNormal([n, 2], 0, 1, 'float32', 5);
    const labelsA = oneHotLabels([0, 1, 2, 0, 1, 2, 0, 1], 3);
    const labelsB = oneHotLabels([2, 2, 1, 0, 0, 1, 2, 2], 3);
    for (const [fn, inputs] of [[latentsOf(pair), [x, eps]], [reconstructionMse(pair), [x]], [conditionalSamples(pair), [eps]]] as const) {
      const pass = new InferencePass(pair, fn, { batchSize: n, images: n * MIN_GRAPH_BATCHES });
      try {
        const out = (labels: tf.Tensor) => {
          const [t] = pass.run([...inputs, labels]);
          const v = t!.dataSync().slice();
          t!.dispose();
          return v;
        };
        const a = out(labelsA);
        assert.ok(pass.compiled, 'the first full batch built the graph');
        const b = out(labelsB);
        const eagerA = tf.tidy(() => fn([...inputs, labelsA])[0]!.dataSync().slice());
        const eagerB = tf.tidy(() => fn([...inputs, labelsB])[0]!.dataSync().slice());
        assert.ok(maxRelDiff(a, eagerA) <= 1e-5, `labels A: ${maxRelDiff(a, eagerA)}`);
        assert.ok(maxRelDiff(b, eagerB) <= 1e-5, `labels B: ${maxRelDiff(b, eagerB)}`);
        assert.ok(maxRelDiff(a, b) > 1e-4, 'other labels, other outputs');
        // A partial batch (3 images) runs eagerly, through the same function.
        const [part] = pass.run([...inputs, labelsA].map((t) => tf.slice(t, 0, 3)));
        assert.equal(part!.shape[0], 3);
        part!.dispose();
      } finally {
        pass.dispose();
      }
    }
    tf.dispose([x, eps, labelsA, labelsB]);
  });

  test('the book\'s AE: its latents (z) and reconstruction passes compile and equal the eager ones within 1e-5', () => {
    const pair = buildModel('ae', { seed: 3 });
    const x = tf.randomUniform([4, 32, 32, 1], 0, 1, 'float32', 2);
    for (const fn of [latentsOf(pair), reconstructionMse(pair)]) {
      const pass = new InferencePass(pair, fn, { batchSize: 4, images: 4 * MIN_GRAPH_BATCHES });
      const [out] = pass.run([x]);
      assert.ok(pass.compiled);
      const eager = tf.tidy(() => fn([x])[0]!.dataSync().slice());
      assert.ok(maxRelDiff(out!.dataSync(), eager) <= 1e-5, `${maxRelDiff(out!.dataSync(), eager)}`);
      out!.dispose();
      pass.dispose();
    }
    x.dispose();
  });

  test('stays eager with compile: false, with fewer than MIN_GRAPH_BATCHES full batches, and (saying why) when the trace is refused', () => {
    const pair = buildModel(PLAIN, { seed: 1 });
    const x = tf.randomUniform([4, 16, 16, 1], 0, 1, 'float32', 1);
    const run = (pass: InferencePass) => {
      tf.dispose(pass.run([x]));
      pass.dispose();
      return pass.compiled;
    };
    const fn = reconstructionMse(pair);
    assert.equal(run(new InferencePass(pair, fn, { batchSize: 4, images: 400, compile: false })), false);
    assert.equal(run(new InferencePass(pair, fn, { batchSize: 4, images: 4 * MIN_GRAPH_BATCHES - 1 })), false);
    const logs: string[] = [];
    // A function that reads values back into JS cannot become a graph: the pass logs it and runs eagerly.
    const reads = (inputs: tf.Tensor[]) => [tf.mul(fn(inputs)[0]!, tf.scalar(inputs[0]!.dataSync()[0]! >= 0 ? 1 : 1))];
    const pass = new InferencePass(pair, reads, { batchSize: 4, images: 400, name: 'probe', log: (m) => logs.push(m) });
    const [out] = pass.run([x]);
    assert.equal(out!.shape[0], 4);
    out!.dispose();
    assert.equal(pass.compiled, false);
    assert.match(logs.join('\n'), /probe: graph unavailable \(the step reads a tensor back into JS.*\); eager/);
    pass.dispose();
    x.dispose();
  });

  test('an inference graph refuses feeds of another count or shape, naming the input and the shape it takes', () => {
    const pair = buildModel(PLAIN, { seed: 1 });
    const graph = InferenceGraph.create([{ name: 'images', shape: [2, 16, 16, 1] }], allVariables(pair).values(), reconstructionMse(pair));
    const x = tf.zeros([3, 16, 16, 1]);
    try {
      assert.throws(() => graph.run([x]), (e: unknown) => e instanceof ValueError && /input "images" has shape \[3,16,16,1\]; the graph takes \[2,16,16,1\]/.test(e.message));
      assert.throws(() => graph.run([x, x]), /2 inputs fed; it takes 1/);
    } finally {
      graph.dispose();
      x.dispose();
    }
  });

  test('latents.json\'s encoding and the quality report (reconstruction, conditional samples) give the eager numbers with the graph', async () => {
    const pair = buildModel(CONDITIONAL, { seed: 6 });
    shiftMovingStatistics(pair);
    const data = dataset(1000, 7, true); // 4 full batches of 250: the latents pass compiles
    const logs: string[] = [];
    const graph = await encodeFirst(pair, data, 1000, 3, { log: (m) => logs.push(m) });
    const eager = await encodeFirst(pair, data, 1000, 3, { compile: false });
    assert.equal(graph.count, 1000);
    assert.ok(maxRelDiff(graph.z, eager.z) <= 1e-5, `z: ${maxRelDiff(graph.z, eager.z)}`);
    assert.equal(logs.length, 0, logs.join('\n'));
    const small = dataset(200, 8, true);
    // 3 classes x 70 samples: 4 full batches of 50 and a partial one, so the samples pass compiles too.
    const options = { seed: 1, batchSize: 50, referenceImages: 100, samplesPerClass: 70, log: (m: string) => logs.push(m) };
    const rg = await qualityReport(pair, { train: small, validation: small }, options);
    const re = await qualityReport(pair, { train: small, validation: small }, { ...options, compile: false });
    assert.ok(Math.abs(rg.reconstruction.meanDb - re.reconstruction.meanDb) <= 1e-5 * re.reconstruction.meanDb, `${rg.reconstruction.meanDb} vs ${re.reconstruction.meanDb}`);
    assert.ok(Math.abs(rg.reconstruction.pooledDb - re.reconstruction.pooledDb) <= 1e-5 * re.reconstruction.pooledDb);
    // The k-NN's verdicts on the generated samples: the same images within float32 rounding, the same classes.
    assert.ok(rg.conditional && re.conditional);
    assert.deepEqual(rg.conditional.perClass, re.conditional.perClass);
    assert.equal(logs.length, 0, logs.join('\n'));
  });
});

test('off the native engine an inference pass runs eagerly', async () => {
  await initEngine('wasm', { log: () => {} });
  const pair = buildModel(PLAIN, { seed: 1 });
  const pass = new InferencePass(pair, reconstructionMse(pair), { batchSize: 2, images: 100 });
  const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 1);
  tf.dispose(pass.run([x]));
  assert.equal(pass.compiled, false);
  pass.dispose();
  x.dispose();
});
