/**
 * The compiled native step as the training loop runs it for a model without BatchNormalization: each
 * TensorFlow op on one thread and one shard of the batch per core (src/engine/native/threads.ts).
 * That layout is fixed when TensorFlow loads, so bench/train-speed.ts runs this in a process of its
 * own and reads the one JSON line it prints (StepTiming plus replicas and a note).
 *
 * usage: node --import tsx bench/native-sharded.ts MODEL BATCH SECONDS   (MODEL: ae | vae | a spec file)
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { parseModelSpec } from '@latentkit/format';
import { Adam, buildModel } from '@latentkit/models';
import { DEFAULT_LEARNING_RATE } from '@latentkit/models/book-defaults';
import { compiledStepReplicas, requestOneThreadPerOp } from '../src/engine/native/threads.ts';
import { initEngine } from '../src/engine/select.ts';
import { CompiledStep } from '../src/training/compiled-step.ts';
import { defaultLearningRate } from '../src/training/loop.ts';
import { nonTrainableVariables } from '../src/training/weights.ts';
import type { ModelKind } from '../src/types.ts';
import { timeSteps } from './step-timing.ts';

const [model, batchArg, secondsArg] = process.argv.slice(2);
if (!model || !batchArg || !secondsArg) throw new Error('usage: native-sharded.ts MODEL BATCH SECONDS');
const batch = Number(batchArg);
requestOneThreadPerOp();
await initEngine('tfjs-node', { log: () => {} });
const spec = model.endsWith('.json') ? parseModelSpec(JSON.parse(readFileSync(model, 'utf8')), model) : undefined;
const pair = buildModel(spec ?? (model as ModelKind), { seed: 1 });
const optimizer = new Adam({ learningRate: spec ? defaultLearningRate(spec) : DEFAULT_LEARNING_RATE[model as ModelKind] });
const replicas = compiledStepReplicas({ batchNorm: nonTrainableVariables(pair).size > 0, batchSize: batch });
const x = tf.randomUniform([batch, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
const eps = pair.spec.type === 'ae' ? undefined : (tf.tidy(() => tf.randomNormal([batch, pair.latentDim], 0, 1, 'float32', 4).dataSync()) as Float32Array);
const started = performance.now();
const step = CompiledStep.create(pair, optimizer, { batchSizes: [batch], replicas });
const built = (performance.now() - started) / 1000;
const timing = await timeSteps(() => step.step(x, { eps }), false, Number(secondsArg));
step.dispose();
const note = `1 graph call/step, ${replicas} shards of the batch, each op on 1 thread; built in ${built.toFixed(1)} s`;
console.log(JSON.stringify({ ...timing, replicas, note }));
