/**
 * Our exported Fashion decoder against the same network (same weights) exported by torch.onnx,
 * both run in onnxruntime-node (CPU, default session options), at batch 1 and 256.
 * Prints median latencies and ratios ours / torch (target: <= 1.05).
 * Needs /usr/bin/python3 with torch (Debian python3-torch); skips with a message otherwise.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVae } from '@latentkit/models';
import { exportModel } from '../src/index.ts';
import { maxAbsDiff, normal } from '../src/testing/ort.ts';

const PYTHON = '/usr/bin/python3';
/** One intra-op thread for every session: steadier numbers on a shared 2-core machine. LATENTKIT_BENCH_THREADS overrides. */
const THREADS = Number(process.env.LATENTKIT_BENCH_THREADS ?? 1);
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`export bench skipped: ${PYTHON} cannot import torch (install python3-torch)`);
  process.exit(0);
}

await tf.setBackend('cpu');
const { decoder, latentDim } = buildVae({ seed: 1 });
const dir = mkdtempSync(join(tmpdir(), 'latentkit-bench-'));
try {
  // Weights for the torch script, and a tfjs reference to prove both exports are the same network.
  const index: { latentDim: number; weights: Record<string, { file: string; shape: number[] }> } = { latentDim, weights: {} };
  decoder.weights.forEach((w, i) => {
    const file = `w${i}.bin`;
    writeFileSync(join(dir, file), new Uint8Array((w.read().dataSync() as Float32Array).buffer.slice(0)));
    index.weights[w.originalName] = { file, shape: w.shape as number[] };
  });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  const z = normal(16 * latentDim, 3);
  writeFileSync(join(dir, 'z.bin'), new Uint8Array(z.buffer.slice(0)));
  const expected = tf.tidy(() => (decoder.predict(tf.tensor(z, [16, latentDim])) as tf.Tensor).dataSync() as Float32Array);
  writeFileSync(join(dir, 'expected.bin'), new Uint8Array(expected.buffer.slice(0)));

  const script = fileURLToPath(new URL('./torch_decoder.py', import.meta.url));
  const py = spawnSync(PYTHON, [script, dir, dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (py.status !== 0) throw new Error(`torch export failed: ${py.stderr}`);
  const torchErr = JSON.parse(py.stdout.trim().split('\n').pop()!) as Record<string, number>;

  const models: Record<string, Uint8Array> = {
    'ours nhwc': exportModel(decoder, { role: 'decoder' }),
    'ours nchw': exportModel(decoder, { role: 'decoder', layout: 'nchw' }),
    'torch exact': readFileSync(join(dir, 'torch-exact.onnx')),
    'torch idiomatic': readFileSync(join(dir, 'torch-idiomatic.onnx')),
  };
  const sessions: Record<string, ort.InferenceSession> = {};
  for (const [name, bytes] of Object.entries(models)) sessions[name] = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: THREADS });

  const ours = await sessions['ours nhwc'].run({ z: new ort.Tensor('float32', z, [16, latentDim]) });
  console.log(`same network: max abs error vs tfjs: ours ${maxAbsDiff(ours.image.data as Float32Array, expected).toExponential(2)}, ` +
    `torch exact ${torchErr.exact.toExponential(2)}, torch idiomatic ${torchErr.idiomatic.toExponential(2)} (shifted padding, same cost)`);

  // Rounds per batch size, and a wall-clock cap so a loaded machine cannot stretch the bench.
  const rounds = { 1: 300, 256: 25 } as Record<number, number>;
  const capMs = 50_000;
  for (const batch of [1, 256]) {
    const feed = { z: new ort.Tensor('float32', normal(batch * latentDim, batch), [batch, latentDim]) };
    const names = Object.keys(sessions);
    for (const n of names) for (let i = 0; i < 5; i++) await sessions[n].run(feed); // warm up
    const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    // Interleave the models so load from other processes hits them alike.
    const start = performance.now();
    while (times[names[0]].length < rounds[batch] && (performance.now() - start < capMs || times[names[0]].length < 5)) {
      for (const n of names) {
        const t0 = performance.now();
        await sessions[n].run(feed);
        times[n].push(performance.now() - t0);
      }
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
    console.log(`\nbatch ${batch} (${times[names[0]].length} interleaved runs each, ${THREADS} intra-op thread(s), median ms):`);
    for (const n of names) console.log(`  ${n.padEnd(16)} ${med[n].toFixed(3)} ms`);
    for (const o of ['ours nhwc', 'ours nchw']) {
      for (const t of ['torch exact', 'torch idiomatic']) {
        const r = med[o] / med[t];
        console.log(`  ratio ${o} / ${t}: ${r.toFixed(3)}x ${r <= 1.05 ? '(target <= 1.05 met)' : '(target <= 1.05 MISSED)'}`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
