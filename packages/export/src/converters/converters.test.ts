/**
 * Every converter against tfjs, from the cases in testdata/<class_name>.json: each case builds a
 * small tfjs model (inputs -> `before` layers -> the layer under test -> `after` layers) with
 * random weights, exports it and runs it in onnxruntime-node (CPU) at batch 1, 7 and 64 at opsets
 * 13, 17 and 21, and at batch 7 at opsets 18, 19 and 20 (or at the case's own `opsets`). Max abs
 * error <= 1e-5; an fp16 export at batch 7 within 1e-2. Every exported file then goes through the
 * ONNX checker (onnx 1.23: full_check + strict shape inference) in one Python run.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import '@latentkit/models';
import { exportModel } from '../export-model.ts';
import type { ExportOptions } from '../options.ts';
import { ALL_CONVERTERS } from './register-all.ts';
import { CheckerBatch } from '../testing/onnx-checker.ts';
import { maxAbsDiff, run, session, uniform } from '../testing/ort.ts';

interface LayerSpec {
  class_name: string;
  config: Record<string, unknown>;
}
interface Case {
  name: string;
  inputs: number[][];
  layer: LayerSpec;
  before?: LayerSpec[];
  after?: LayerSpec[];
  options?: ExportOptions;
  opsets?: number[];
  /** Inputs are uniform in [-scale, scale] (default 1). */
  scale?: number;
  /** Inputs are integer indices in [0, indices) instead (Embedding). */
  indices?: number;
}

/**
 * Registered classes tfjs-layers 4.22 has no layer for: their converters are checked against Keras 3
 * itself in src/keras/keras-zoo.test.ts (Keras 3 files built by test/keras-zoo/make_zoo.py).
 */
const KERAS_ONLY = new Set([
  'Subtract', 'GroupNormalization', 'Normalization', 'LayerScale', 'SpatialDropout2D', 'ActivityRegularization',
  'ops.Add', 'ops.Subtract', 'ops.Multiply', 'ops.TrueDivide', 'ops.Divide', 'ops.Reshape',
]);

const TESTDATA = new URL('./testdata/', import.meta.url);
const BATCHES = [1, 7, 64];
const DEFAULT_OPSETS = [13, 17, 18, 19, 20, 21];
/** 18-20 write the same nodes as 17 and 21 (no op we emit changed meaning): one batch size is enough there. */
const batchesAt = (opset: number) => (opset >= 18 && opset <= 20 ? [7] : BATCHES);
const TOLERANCE = 1e-5;
const FP16_TOLERANCE = 1e-2;
let worstFp16 = 0;
let worstFp32 = 0;
const checker = new CheckerBatch();

/** A functional topology: in_i -> before... -> layer_under_test(all) -> after... */
function topology(c: Case): object {
  const layers: object[] = [];
  const inputs = c.inputs.map((shape, i) => {
    const name = `in_${i}`;
    layers.push({ class_name: 'InputLayer', name, config: { name, batch_input_shape: [null, ...shape], dtype: 'float32' }, inbound_nodes: [] });
    return name;
  });
  let prev = inputs;
  const chain = (spec: LayerSpec, name: string) => {
    layers.push({ class_name: spec.class_name, name, config: { ...spec.config, name }, inbound_nodes: [prev.map((p) => [p, 0, 0, {}])] });
    prev = [name];
  };
  (c.before ?? []).forEach((s, i) => chain(s, `before_${i}`));
  chain(c.layer, 'layer_under_test');
  (c.after ?? []).forEach((s, i) => chain(s, `after_${i}`));
  return {
    class_name: 'Functional',
    config: { name: 'case', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: [[prev[0], 0, 0]] },
  };
}

function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  let k = seed;
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (!weights.length) continue;
    layer.setWeights(
      weights.map((w) => {
        const shape = w.shape as number[];
        const n = shape.reduce((a, b) => a * b, 1);
        const positive = w.originalName.endsWith('moving_variance');
        return tf.tensor(uniform(n, k++, positive ? 0.5 : -0.5, positive ? 1.5 : 0.5), shape);
      }),
    );
  }
}

const files = readdirSync(TESTDATA).filter((f) => f.endsWith('.json')).sort();

test('every registered converter tfjs-layers has a layer for has a testdata file, and each file names a registered class', () => {
  const tested = files.map((f) => f.replace(/\.json$/, ''));
  assert.deepEqual([...ALL_CONVERTERS.map((c) => c.className)].filter((c) => !KERAS_ONLY.has(c)).sort(), tested.sort());
});

for (const file of files) {
  const data = JSON.parse(readFileSync(new URL(file, TESTDATA), 'utf8')) as { className: string; cases: Case[] };
  describe(`${data.className} converter`, () => {
    data.cases.forEach((c, ci) => {
      test(c.name, async () => {
        const model = await tfl.models.modelFromJSON({ modelTopology: topology(c) } as tf.io.ModelJSON as never);
        randomizeWeights(model, 1000 * ci + 1);
        const scale = c.scale ?? 1;
        const full = c.inputs.map((shape, i) => {
          const n = 64 * shape.reduce((a, b) => a * b, 1);
          return c.indices ? uniform(n, 77 + i, 0, c.indices).map(Math.floor) : uniform(n, 77 + i, -scale, scale);
        });
        const expected = tf.tidy(() => {
          const xs = c.inputs.map((shape, i) => tf.tensor(full[i], [64, ...shape]));
          return (model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor).dataSync() as Float32Array;
        });
        const perRow = expected.length / 64;
        for (const opset of c.opsets ?? DEFAULT_OPSETS) {
          const bytes = exportModel(model, { ...c.options, opset });
          checker.add(`${data.className}-${ci}-opset${opset}`, bytes);
          const s = await session(bytes);
          assert.deepEqual(s.inputNames, c.inputs.map((_, i) => `in_${i}`));
          for (const batch of batchesAt(opset)) {
            const feeds = Object.fromEntries(
              c.inputs.map((shape, i) => {
                const n = shape.reduce((a, b) => a * b, 1);
                return [`in_${i}`, { data: full[i].subarray(0, batch * n), dims: [batch, ...shape] }];
              }),
            );
            const out = await run(s, feeds);
            const y = Object.values(out)[0];
            assert.equal(y.dims[0], batch);
            const err = maxAbsDiff(y.data, expected.subarray(0, batch * perRow));
            worstFp32 = Math.max(worstFp32, err);
            assert.ok(err <= TOLERANCE, `opset ${opset}, batch ${batch}: max abs error ${err} > ${TOLERANCE}`);
          }
        }
        // fp16 weights and compute (opset 17, float32 at the boundary): within 1e-2.
        const half = exportModel(model, { ...c.options, opset: 17, precision: 'fp16' });
        checker.add(`${data.className}-${ci}-fp16`, half);
        const hs = await session(half);
        for (const batch of [7]) {
          const feeds = Object.fromEntries(
            c.inputs.map((shape, i) => {
              const n = shape.reduce((a, b) => a * b, 1);
              return [`in_${i}`, { data: full[i].subarray(0, batch * n), dims: [batch, ...shape] }];
            }),
          );
          const y = Object.values(await run(hs, feeds))[0];
          const err = maxAbsDiff(y.data, expected.subarray(0, batch * perRow));
          worstFp16 = Math.max(worstFp16, err);
          assert.ok(err <= FP16_TOLERANCE, `fp16, batch ${batch}: max abs error ${err} > ${FP16_TOLERANCE}`);
        }
        model.layers.forEach((l) => l.weights.forEach((w) => w.dispose()));
      });
    });
  });
}

after(() => {
  console.log(`# worst max abs error vs tfjs: fp32 ${worstFp32}, fp16 ${worstFp16}`);
  checker.assertAllValid('converter files');
});
