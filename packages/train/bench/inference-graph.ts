/**
 * `node --import tsx bench/inference-graph.ts`: the end-of-training inference passes on the native
 * engine, eager (tfjs-layers predict, one TensorFlow op call per kernel) against the same computation
 * as one graph session run per batch (src/engine/native/compiled/inference.ts, what
 * training/inference-pass.ts runs on full batches), at the real sizes, with the passes' own functions:
 *   - latents: artifacts.ts encodeFirst, the encoder's sampled z of the first validation images in
 *     batches of 250 (5,000 images for the 2-d Fashion models, latents.json; 1,000 for the faces VAE);
 *   - recon: quality-report.ts reconstructionErrors, encode + decode + per-image MSE of the validation
 *     images in batches of 250 (Fashion: all 10,000; faces: 2,000 here, the report takes all);
 *   - samples: quality-report.ts generate, a conditional VAE's decoder on 500 latents a class
 *     (Fashion's 10 classes: 5,000), batches of 250.
 * The graph's time includes building it (trace, GraphDef, grappler, session load), paid once per pass.
 * Images and weights are random (speed does not depend on them). Prints the load average; run it
 * under `flock /tmp/lk/bench.lock` on a shared machine. BENCH_CASES picks cases (default all).
 */
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, type ModelPair } from '@latentkit/models';
import type { ModelKind } from '../src/types.ts';
import { initEngine } from '../src/engine/select.ts';
import { InferenceGraph } from '../src/engine/native/compiled/inference.ts';
import { allVariables } from '../src/training/weights.ts';
import { latentsOf } from '../src/training/artifacts.ts';
import { conditionalSamples, reconstructionMse } from '../src/quality/quality-report.ts';
import { parseModelSpec, presetSpec, type ModelSpec } from '@latentkit/format';

const BATCH = 250;

interface Case {
  name: string;
  kind: ModelKind | ModelSpec;
  images: number;
  /** The pass's computation of one batch, as the code runs it: images (and eps) -> outputs. */
  fn: (pair: ModelPair) => (inputs: tf.Tensor[]) => tf.Tensor[];
  eps: boolean;
  /** Inputs are [z, one-hot labels] (a conditional decoder), not images. */
  latentsIn?: boolean;
}

/** The book's Fashion VAE made conditional on 10 classes (`pnpm train --model vae --conditional`). */
const CVAE = parseModelSpec({ ...presetSpec('vae'), conditional: { classes: Array.from({ length: 10 }, (_, i) => `c${i}`) } });

const CASES: Case[] = [
  { name: 'latents vae 5,000', kind: 'vae', images: 5000, fn: latentsOf, eps: true },
  { name: 'latents faces-vae 1,000', kind: 'faces-vae', images: 1000, fn: latentsOf, eps: true },
  { name: 'recon vae 10,000', kind: 'vae', images: 10000, fn: reconstructionMse, eps: false },
  { name: 'recon faces-vae 2,000', kind: 'faces-vae', images: 2000, fn: reconstructionMse, eps: false },
  { name: 'samples cvae 5,000', kind: CVAE, images: 5000, fn: conditionalSamples, eps: false, latentsIn: true },
];

function inputsOf(pair: ModelPair, n: number, eps: boolean, seed: number, latentsIn = false): tf.Tensor[] {
  if (latentsIn) {
    const k = pair.spec.conditional!.classes.length;
    return [tf.randomNormal([n, pair.latentDim], 0, 1, 'float32', seed), tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % k), 'int32'), k), 'float32')];
  }
  const x = tf.randomUniform([n, ...pair.imageShape], 0, 1, 'float32', seed);
  return eps ? [x, tf.randomNormal([n, pair.latentDim], 0, 1, 'float32', seed + 1)] : [x];
}

async function main(): Promise<void> {
  await initEngine('tfjs-node', { log: () => {} });
  console.log(`CPU: ${cpus()[0]?.model} x ${cpus().length}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const wanted = process.env.BENCH_CASES?.split(',');
  for (const c of CASES.filter((c) => !wanted || wanted.some((w) => c.name.includes(w)))) {
    const pair = buildModel(c.kind, { seed: 1 });
    const batches = Math.ceil(c.images / BATCH);
    const data = Array.from({ length: batches }, (_, b) => inputsOf(pair, Math.min(BATCH, c.images - b * BATCH), c.eps, 10 + b, c.latentsIn));
    const fn = c.fn(pair);
    // Eager: one warm-up batch (tfjs-layers' first predict builds its execution plan), then the pass.
    tf.dispose(tf.tidy(() => fn(data[0]!)));
    let t0 = performance.now();
    const eager = data.map((d) => tf.tidy(() => fn(d)[0]!.dataSync().slice()));
    const eagerMs = performance.now() - t0;
    // Graph: build (trace + grappler + load) and the pass, timed together.
    t0 = performance.now();
    const graph = InferenceGraph.create(data[0]!.map((t, k) => ({ name: `in_${k}`, shape: t.shape })), allVariables(pair).values(), fn);
    const buildMs = performance.now() - t0;
    let maxDiff = 0;
    let runMs = 0;
    const t1 = performance.now();
    data.forEach((d, b) => {
      if (d[0]!.shape[0] !== BATCH) return; // (no partial batch at these sizes)
      const [out] = graph.run(d);
      const v = out!.dataSync();
      out!.dispose();
      for (let i = 0; i < v.length; i++) maxDiff = Math.max(maxDiff, Math.abs(v[i]! - eager[b]![i]!) / Math.max(1, Math.abs(eager[b]![i]!)));
    });
    runMs = performance.now() - t1;
    graph.dispose();
    const total = buildMs + runMs;
    console.log(
      `${c.name.padEnd(26)} eager ${eagerMs.toFixed(0).padStart(6)} ms (${graph.eagerOps} op calls a batch) | graph ${total.toFixed(0).padStart(6)} ms ` +
        `(build ${buildMs.toFixed(0)} + run ${runMs.toFixed(0)}) | eager/graph ${(eagerMs / total).toFixed(2)}x, runs only ${(eagerMs / runMs).toFixed(2)}x | max rel diff ${maxDiff.toExponential(1)}`,
    );
    tf.dispose(data.flat());
  }
  console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
