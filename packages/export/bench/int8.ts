/**
 * int8 decoders against the fp32 export of the same weights, in one run: file size, error over 256
 * decoded prior samples (max abs, PSNR with peak 1.0), and throughput at batch 64 in
 * onnxruntime-node CPU (1 thread and the default, all cores) and onnxruntime-web wasm (1 thread, in
 * Node). Targets (issue 12), per decoder: >= 2x fp32 throughput in onnxruntime-node CPU at batch
 * 64, >= 3.5x smaller, PSNR >= 35 dB.
 *
 *   pnpm --filter @latentkit/export run bench:int8 [RUN_DIR ...]
 * Without RUN_DIRs: the newest trained run of each kind (vae, faces-vae) under runs/; a kind with no
 * run is benched on freshly initialised weights (BN statistics perturbed), labelled "untrained":
 * size and speed are the same, the error is not representative of a trained model.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findRuns, readRunManifest } from '@latentkit/format/node';
import { buildRunModel } from '../src/bundle/export-run.ts';
import { buildRunModelInt8 } from '../src/bundle/int8-run.ts';
import { encodeModel } from '../src/proto/onnx-proto.ts';
import { writeFakeRun } from '../src/testing/fake-run.ts';
import { normalSamples } from '../src/bundle/calibration-data.ts';

const BATCH = 64;
const EVAL_SAMPLES = 256;
const root = resolve(import.meta.dirname, '../../..');

/** The newest trained run of `kind` under runs/ (@latentkit/format's rule: manifest createdAt). */
function newestRun(kind: string): string | undefined {
  return findRuns(join(root, 'runs')).found.find((r) => r.manifest.kind === kind && existsSync(join(r.dir, 'decoder', 'model.json')))?.dir;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

interface Runner {
  run(z: Float32Array, n: number): Promise<Float32Array>;
}
async function nodeRunner(bytes: Uint8Array, threads: number): Promise<Runner> {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 3, ...(threads ? { intraOpNumThreads: threads } : {}) });
  return { run: async (z, n) => (await s.run({ z: new ort.Tensor('float32', z, [n, z.length / n]) })).image.data as Float32Array };
}
async function wasmRunner(bytes: Uint8Array): Promise<Runner> {
  ortWeb.env.wasm.numThreads = 1;
  const s = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'], logSeverityLevel: 3 });
  return { run: async (z, n) => (await s.run({ z: new ortWeb.Tensor('float32', z, [n, z.length / n]) })).image.data as Float32Array };
}

/** Median ms per batch-64 run of each runner, interleaved so load from other processes hits both alike. */
async function interleaved(runners: Runner[], z: Float32Array, rounds: number, capMs: number): Promise<number[]> {
  for (const r of runners) for (let i = 0; i < 3; i++) await r.run(z, BATCH);
  const times: number[][] = runners.map(() => []);
  const t0 = performance.now();
  while (times[0].length < rounds && (performance.now() - t0 < capMs || times[0].length < 5)) {
    for (const [i, r] of runners.entries()) {
      const s = performance.now();
      await r.run(z, BATCH);
      times[i].push(performance.now() - s);
    }
  }
  return times.map(median);
}

const given = process.argv.slice(2);
const targets: { label: string; dir: string; cleanup?: string }[] = [];
if (given.length) for (const g of given) targets.push({ label: g, dir: resolve(process.env.INIT_CWD ?? process.cwd(), g) });
else {
  for (const kind of ['vae', 'faces-vae'] as const) {
    const run = newestRun(kind);
    if (run) targets.push({ label: `${kind} (trained: ${run})`, dir: run });
    else {
      await tf.setBackend('cpu');
      const tmp = await mkdtemp(join(tmpdir(), 'latentkit-int8-bench-'));
      const { dir } = await writeFakeRun(join(tmp, kind), { kind, seed: 1 });
      targets.push({ label: `${kind} (UNTRAINED: initialised weights, no run under runs/)`, dir, cleanup: tmp });
    }
  }
}

console.log(`int8 bench: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine lowers every number)`);
let missed = 0;
for (const t of targets) {
  const fp32 = encodeModel(await buildRunModel(t.dir, 'decoder'));
  const t0 = performance.now();
  const int8Result = await buildRunModelInt8(t.dir, 'decoder', {});
  const int8 = encodeModel(int8Result.model);
  const manifest = readRunManifest(t.dir);
  const L = manifest.latentDim;
  console.log(`\n${t.label}: decoder, latentDim ${L}, quantized in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  calibration: ${int8Result.calibration}; ${int8Result.report.convTransposesRewritten} ConvTranspose rewritten as Conv`);

  // Error over 256 prior samples (a seed the calibration does not use).
  const z = normalSamples(EVAL_SAMPLES * L, 424242);
  const [a, b] = [await nodeRunner(fp32, 0), await nodeRunner(int8, 0)];
  let maxAbs = 0;
  let se = 0;
  let n = 0;
  for (let i = 0; i < EVAL_SAMPLES; i += BATCH) {
    const zi = z.subarray(i * L, (i + BATCH) * L);
    const [x, y] = [await a.run(zi, BATCH), await b.run(zi, BATCH)];
    for (let k = 0; k < x.length; k++) {
      const d = Math.abs(x[k] - y[k]);
      maxAbs = Math.max(maxAbs, d);
      se += d * d;
    }
    n += x.length;
  }
  const psnr = 10 * Math.log10(1 / (se / n));
  const sizeRatio = fp32.length / int8.length;
  console.log(`  size: fp32 ${fp32.length.toLocaleString('en-US')} B, int8 ${int8.length.toLocaleString('en-US')} B, ${sizeRatio.toFixed(2)}x smaller ${sizeRatio >= 3.5 ? '(target >= 3.5x met)' : '(target >= 3.5x MISSED)'}`);
  console.log(`  error vs fp32 over ${EVAL_SAMPLES} prior samples: max abs ${maxAbs.toFixed(4)}, PSNR ${psnr.toFixed(1)} dB ${psnr >= 35 ? '(target >= 35 dB met)' : '(target >= 35 dB MISSED)'}`);
  if (sizeRatio < 3.5 || psnr < 35) missed++;

  const zb = z.subarray(0, BATCH * L);
  for (const threads of [1, 0]) {
    const [f, q] = await interleaved([await nodeRunner(fp32, threads), await nodeRunner(int8, threads)], zb, 30, 25_000);
    const r = f / q;
    const label = threads ? `${threads} thread` : `default threads (${availableParallelism()})`;
    console.log(`  onnxruntime-node cpu, ${label}, batch ${BATCH}: fp32 ${f.toFixed(1)} ms (${((BATCH * 1000) / f).toFixed(0)} samples/s), int8 ${q.toFixed(1)} ms (${((BATCH * 1000) / q).toFixed(0)} samples/s): ${r.toFixed(2)}x ${r >= 2 ? '(target >= 2x met)' : '(target >= 2x MISSED)'}`);
    if (r < 2) missed++;
  }
  const [fw, qw] = await interleaved([await wasmRunner(fp32), await wasmRunner(int8)], zb, 10, 25_000);
  console.log(`  onnxruntime-web wasm (in Node), 1 thread, batch ${BATCH}: fp32 ${fw.toFixed(1)} ms, int8 ${qw.toFixed(1)} ms: ${(fw / qw).toFixed(2)}x`);
  if (t.cleanup) await rm(t.cleanup, { recursive: true, force: true });
}
console.log(`\nint8 targets: ${missed ? `${missed} MISSED` : 'all met'}`);
