/**
 * What each graph rewrite (src/engine/native/compiled/rewrites/) pays: the compiled step of one model
 * built with every rewrite and with some left out (LATENTKIT_GRAPH_REWRITES_OFF), timed in alternating
 * windows in one process so that both see the same machine load. Prints ms and CPU ms per step of each
 * variant (mean over its windows) and the ratio to the first.
 *
 * usage: node --import tsx bench/compiled-rewrites.ts MODEL BATCH [VARIANTS] [SECONDS]
 *   MODEL: ae | vae | faces-vae | a spec file; VARIANTS: ';'-separated lists of rewrites to leave out
 *   ('' = all on; 'all' = every one off), default ";all"; SECONDS per window, default 3 (4 windows each).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { parseModelSpec, type ModelSpec } from '@latentkit/format';
import { buildModel, Adam } from '@latentkit/models';
import { initEngine } from '../src/engine/select.ts';
import { REWRITES } from '../src/engine/native/compiled/rewrites/index.ts';
import { CompiledStep } from '../src/training/compiled-step.ts';
import type { ModelKind } from '../src/types.ts';

const [model = 'vae', batchArg = '100', variantsArg = ';all', secondsArg = '3'] = process.argv.slice(2);
const batch = Number(batchArg);
const seconds = Number(secondsArg);
const variants = variantsArg.split(';').map((v) => (v === 'all' ? REWRITES.map(([n]) => n).join(',') : v));
const spec: ModelKind | ModelSpec = model.endsWith('.json') ? parseModelSpec(JSON.parse(readFileSync(model, 'utf8')), model) : (model as ModelKind);

await initEngine('tfjs-node', { log: () => {} });
const pair = buildModel(spec, { seed: 1 });
const x = tf.randomUniform([batch, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
const eps = tf.tidy(() => tf.randomNormal([batch, pair.latentDim], 0, 1, 'float32', 4).dataSync()) as Float32Array;
const steps = variants.map((off) => {
  process.env.LATENTKIT_GRAPH_REWRITES_OFF = off;
  const s = CompiledStep.create(pair, new Adam({ learningRate: 1e-4 }), { batchSizes: [batch] });
  for (let i = 0; i < 3; i++) s.step(x, { eps });
  return { off, s, ms: 0, cpu: 0, n: 0 };
});
const load0 = loadavg()[0]!.toFixed(2);
for (let w = 0; w < 4; w++) {
  for (const v of w % 2 ? [...steps].reverse() : steps) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < seconds * 1000 || n < 2) {
      v.s.step(x, { eps });
      n++;
    }
    const c = process.cpuUsage(c0);
    v.ms += performance.now() - t0;
    v.cpu += (c.user + c.system) / 1000;
    v.n += n;
  }
}
console.log(`${model} batch ${batch}: compiled step by rewrites left out (load ${load0} -> ${loadavg()[0]!.toFixed(2)})`);
for (const v of steps) {
  const ms = v.ms / v.n;
  const base = steps[0]!.ms / steps[0]!.n;
  console.log(`  off: ${(v.off || '(none)').padEnd(60)} ${ms.toFixed(1).padStart(7)} ms/step ${(v.cpu / v.n).toFixed(1).padStart(7)} CPU ms  ${(base / ms).toFixed(3)}x speed of the first  rewrites ${JSON.stringify(v.s.rewrites)}`);
}
for (const v of steps) v.s.dispose();
