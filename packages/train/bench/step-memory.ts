/**
 * A training step's memory on the native engine: tfjs's own count of the tensors alive at the step's
 * peak (`tf.profile` peakBytes) beside the process's RSS, for a VAE spec at 64x64x3, filters 32,64,128,
 * z 16 (what `pnpm train --data DIR --image-size 64` trains) on random images.
 *   node --import tsx bench/step-memory.ts            batch 128 as the loop runs it (micro-batches by memory-budget.ts)
 *   B=128 MICRO=128 node --import tsx bench/step-memory.ts   batch 128 in one piece
 * Measured 2026-12-07 (2-core Xeon, load ~19): one piece 1,093 MB of tensors, RSS 1.55 GB;
 * micro-batches of 64: 564 MB, RSS 1.04 GB.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpus, loadavg } from 'node:os';
import { parseModelSpec } from '@latentkit/format';
import { buildModel, Adam } from '@latentkit/models';
import { initEngine } from '../src/engine/select.ts';
import { trainStepAsync } from '../src/training/step.ts';
import { memoryMicroBatch } from '../src/training/memory-budget.ts';
const batch = Number(process.env.B ?? 128);
const spec = parseModelSpec({ type: 'vae', inputShape: [64, 64, 3], latentDim: 16, encoder: { filters: [32, 64, 128] }, loss: { type: 'bce', scale: 500 } });
const micro = process.env.MICRO ? Number(process.env.MICRO) : memoryMicroBatch(spec, batch);
await initEngine('tfjs-node', { log: () => {} });
const pair = buildModel(spec, { seed: 1 });
const opt = new Adam({ learningRate: 5e-4 });
const x = tf.randomUniform([batch, 64, 64, 3]) as tf.Tensor4D;
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
console.log(`step memory: batch ${batch}, micro-batches of ${micro ?? batch}; ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  const info = await tf.profile(async () => { await trainStepAsync(pair, opt, x, { microBatch: micro }); });
  console.log(`step ${i}: ${(performance.now() - t).toFixed(0)} ms, peak tensor bytes ${mb(info.peakBytes)} MB, rss ${mb(process.memoryUsage().rss)} MB, maxrss ${mb(process.resourceUsage().maxRSS * 1024)} MB, live ${mb(tf.memory().numBytes)} MB`);
}
