/**
 * `pnpm bench` for @latentkit/train: training images/s of the book's three models (ae, vae, faces-vae
 * at the book's batch sizes 100/100/128) on each engine available here, then the same networks in
 * PyTorch in the same run (bench/torch_reference.py, Debian's python3-torch) as a ratio, the AE
 * target (>= 250 img/s), and a per-kernel profile of one AE step.
 *
 * A "step" is what training does per batch: forward, backward and the Adam update (step.ts's
 * trainStep path through training/parallel.ts). Images are random (speed does not depend on them).
 * Other processes on this 2-core machine add noise: the load average is printed before and after.
 *
 * Options (env): BENCH_SECONDS (min measured seconds per config, default 6),
 *                BENCH_MODELS (default ae,vae,faces-vae), BENCH_TORCH=0 to skip PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine, type EngineInfo } from '../src/engine/select.ts';
import { buildModel } from '../src/models/build.ts';
import { Adam } from '../src/training/adam.ts';
import { FACES_MICRO_BATCH } from '../src/training/loop.ts';
import { createParallelStepper } from '../src/training/parallel.ts';
import { DEFAULT_LEARNING_RATE, trainStep } from '../src/training/step.ts';
import type { ModelKind } from '../src/types.ts';

const BOOK_BATCH: Record<ModelKind, number> = { ae: 100, vae: 100, 'faces-vae': 128 };
const AE_TARGET = 250;
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const MODELS = (process.env.BENCH_MODELS ?? 'ae,vae,faces-vae').split(',') as ModelKind[];

interface Row {
  model: ModelKind;
  batch: number;
  engine: string;
  msPerStep: number;
  imgPerSec: number;
  bestImgPerSec: number;
  /** CPU time of the whole process (all threads) per step. */
  cpuMsPerStep: number;
  steps: number;
  note?: string;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

function noise(n: number, dim: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n, dim], 0, 1, 'float32', seed).dataSync() as Float32Array);
}

/** Warm-up steps, then steps until at least 3 and MIN_SECONDS (faces: 2 steps). */
async function measure(kind: ModelKind, workers: number): Promise<Row> {
  const batch = BOOK_BATCH[kind];
  const pair = buildModel(kind, { seed: 1 });
  const optimizer = new Adam({ learningRate: DEFAULT_LEARNING_RATE[kind] });
  // Faces at 128 in one piece exhausts wasm's 4 GB, so each replica accumulates micro-batches
  // (the training loop's default, FACES_MICRO_BATCH).
  const microBatch = kind === 'faces-vae' ? FACES_MICRO_BATCH : undefined;
  const stepper = await createParallelStepper({ pair, optimizer, modelArgs: { seed: 1 }, workers, microBatch });
  const x = tf.randomUniform([batch, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  const eps = kind === 'ae' ? undefined : noise(batch, pair.latentDim, 4);
  const slow = kind === 'faces-vae';
  try {
    for (let i = 0; i < (slow ? 1 : 2); i++) await stepper.step(x, { eps });
    let steps = 0;
    let best = Infinity;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const minSteps = slow ? 2 : 3;
    while (steps < minSteps || (!slow && performance.now() - start < MIN_SECONDS * 1000)) {
      const t = performance.now();
      await stepper.step(x, { eps });
      best = Math.min(best, performance.now() - t);
      steps++;
    }
    const ms = (performance.now() - start) / steps;
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / steps;
    const engine = workers === 1 ? 'wasm, 1 thread' : `wasm, ${workers} threads`;
    return { model: kind, batch, engine, msPerStep: ms, imgPerSec: (batch * 1000) / ms, bestImgPerSec: (batch * 1000) / best, cpuMsPerStep, steps, note: microBatch ? `micro-batches of ${microBatch}` : undefined };
  } finally {
    await stepper.dispose();
    x.dispose();
  }
}

/** The pure-JS cpu backend: one AE step on a tiny batch (a batch of 100 takes minutes). */
async function measureCpu(): Promise<Row> {
  const batch = 4;
  await initEngine('cpu', { log: () => {} });
  const pair = buildModel('ae', { seed: 1 });
  const x = tf.randomUniform([batch, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  const optimizer = new Adam({ learningRate: 1e-3 });
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  trainStep(pair, optimizer, x);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  x.dispose();
  await initEngine('wasm', { log: () => {} });
  return { model: 'ae', batch, engine: 'cpu (pure JS)', msPerStep: ms, imgPerSec: (batch * 1000) / ms, bestImgPerSec: (batch * 1000) / ms, cpuMsPerStep: (cpu.user + cpu.system) / 1000, steps: 1, note: 'one step at batch 4 only: a batch-100 step takes minutes' };
}

interface TorchRow { model: ModelKind; batch: number; ms_per_step: number; img_per_s: number; best_img_per_s: number; cpu_ms_per_step: number; steps: number; threads: number }

/** Runs bench/torch_reference.py with Debian's python3 if it has torch; null when it does not. */
function runTorch(threads: number): TorchRow[] | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${python} cannot import torch (apt install python3-torch)`;
  const script = fileURLToPath(new URL('./torch_reference.py', import.meta.url));
  const r = spawnSync(python, [script, '--models', MODELS.join(','), '--seconds', String(Math.min(MIN_SECONDS, 4)), '--threads', String(threads)], {
    encoding: 'utf8',
    // One OpenBLAS thread per torch thread (NOTES.md); Debian's libopenblas0-pthread is the BLAS.
    // OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning, which otherwise
    // makes 2-thread torch 5-10x slower whenever another process holds one of the two cores.
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
    timeout: 240_000,
  });
  if (r.status !== 0) return `torch_reference.py failed (${r.status ?? r.signal}): ${r.stderr.trim().split('\n').pop()}`;
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TorchRow);
}

async function profileAeStep(): Promise<string[]> {
  const pair = buildModel('ae', { seed: 1 });
  const optimizer = new Adam({ learningRate: 1e-3 });
  const x = tf.randomUniform([100, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  trainStep(pair, optimizer, x);
  const start = performance.now();
  const info = await tf.profile(() => {
    trainStep(pair, optimizer, x);
  });
  const wall = performance.now() - start;
  x.dispose();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // Kernels that only call other kernels (names ending in __op) would be counted twice.
    if (k.name.endsWith('__op')) continue;
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls += 1;
    byKernel.set(k.name, e);
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b.ms, 0);
  const lines = [`one AE step at batch 100, wasm, one thread (profiled: ${fmt(wall, 0)} ms wall, ${fmt(total, 0)} ms in kernels):`];
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) {
    lines.push(`  ${name.padEnd(22)} ${fmt(e.ms).padStart(7)} ms  ${fmt((100 * e.ms) / total).padStart(5)}%  (${e.calls} calls)`);
  }
  return lines;
}

function table(rows: Row[], torch: Map<ModelKind, TorchRow>): string[] {
  const head = `${'model'.padEnd(10)} ${'batch'.padStart(5)}  ${'engine'.padEnd(16)} ${'ms/step'.padStart(8)} ${'img/s'.padStart(7)} ${'best'.padStart(7)} ${'cpu ms'.padStart(7)}  ${'ours/PyTorch'.padStart(12)} ${'best/best'.padStart(9)}  note`;
  const out = [head];
  for (const r of rows) {
    const t = torch.get(r.model);
    const same = t !== undefined && r.batch === t.batch;
    const ratio = same ? fmt(r.imgPerSec / t.img_per_s, 2) : '-';
    const bestRatio = same ? fmt(r.bestImgPerSec / t.best_img_per_s, 2) : '-';
    out.push(
      `${r.model.padEnd(10)} ${String(r.batch).padStart(5)}  ${r.engine.padEnd(16)} ${fmt(r.msPerStep, 0).padStart(8)} ` +
        `${fmt(r.imgPerSec).padStart(7)} ${fmt(r.bestImgPerSec).padStart(7)} ${fmt(r.cpuMsPerStep, 0).padStart(7)}  ${ratio.padStart(12)} ${bestRatio.padStart(9)}  ${r.note ?? ''}`,
    );
  }
  out.push('img/s: mean over the measured steps; best: the fastest single step (least disturbed by other processes);');
  out.push('cpu ms: CPU time of all threads per step (about the wall time of one thread on an otherwise idle core).');
  return out;
}

async function main(): Promise<void> {
  console.log(`train-speed: training images/s (forward + backward + Adam) on ${cpus().length} cores; load average ${load()}`);
  const auto: EngineInfo = await initEngine('auto', { log: (m) => console.log(m) });
  if (auto.name !== 'wasm') console.log(`(auto picked ${auto.name}; this bench times the wasm engine and the cpu backend)`);
  await initEngine('wasm', { log: () => {} });

  const rows: Row[] = [];
  for (const kind of MODELS) {
    for (const workers of [1, 2]) {
      try {
        const row = await measure(kind, workers);
        rows.push(row);
        console.log(`  ${kind} ${row.engine}: ${fmt(row.imgPerSec)} img/s (${fmt(row.msPerStep, 0)} ms/step over ${row.steps} steps)`);
      } catch (error) {
        console.log(`  ${kind} wasm ${workers} worker(s): FAILED: ${(error as Error).message}`);
      }
    }
  }
  if (MODELS.includes('ae')) {
    const row = await measureCpu();
    rows.push(row);
    console.log(`  ae cpu (pure JS): ${fmt(row.imgPerSec, 2)} img/s (one step at batch ${row.batch}: ${fmt(row.msPerStep, 0)} ms); vae and faces-vae skipped on cpu: minutes per step`);
  }

  const torch = new Map<ModelKind, TorchRow>();
  const cpuTorch = new Map<ModelKind, TorchRow>(); // the 1-thread run, for CPU-time comparisons
  const torchLines: string[] = [];
  if (process.env.BENCH_TORCH !== '0') {
    // PyTorch with 2 threads as specified, and with 1 (its OpenMP threads spin and collapse when
    // another process holds a core, as often happens here); the faster is the reference.
    for (const threads of [2, 1]) {
      const result = runTorch(threads);
      if (typeof result === 'string') {
        torchLines.push(`PyTorch (${threads} thread${threads > 1 ? 's' : ''}): skipped: ${result}`);
        break;
      }
      for (const t of result) {
        torchLines.push(`PyTorch ${t.model} batch ${t.batch}, ${t.threads} thread(s): ${fmt(t.img_per_s)} img/s (${fmt(t.ms_per_step, 0)} ms/step; best step ${fmt(t.best_img_per_s)} img/s; cpu ${fmt(t.cpu_ms_per_step, 0)} ms/step)`);
        if (t.threads === 1) cpuTorch.set(t.model, t);
        const best = torch.get(t.model);
        if (!best || t.img_per_s > best.img_per_s) torch.set(t.model, t);
      }
    }
  } else {
    torchLines.push('PyTorch: skipped (BENCH_TORCH=0)');
  }

  console.log('');
  for (const l of table(rows, torch)) console.log(l);
  console.log('');
  for (const l of torchLines) console.log(l);
  if (torch.size) console.log('ours/PyTorch compares with the faster PyTorch thread setting for each model (by mean img/s).');

  // Wall-clock numbers depend on what else runs on the 2 cores; CPU time per step much less so.
  console.log('\nCPU-time view (less sensitive to other processes than wall time):');
  for (const kind of MODELS) {
    const one = rows.find((r) => r.model === kind && r.engine === 'wasm, 1 thread');
    const two = rows.find((r) => r.model === kind && r.engine === 'wasm, 2 threads');
    const t1 = cpuTorch.get(kind);
    const parts: string[] = [];
    if (one) parts.push(`1 thread ${fmt(one.cpuMsPerStep, 0)} cpu-ms/step = ${fmt((one.batch * 1000) / one.cpuMsPerStep)} img per cpu-second`);
    if (two) {
      parts.push(`2 threads ${fmt(two.cpuMsPerStep, 0)} cpu-ms/step (idle 2-core estimate <= ${fmt((two.batch * 1000) / (two.cpuMsPerStep / 2))} img/s)`);
    }
    if (one && t1) parts.push(`PyTorch 1 thread ${fmt(t1.cpu_ms_per_step, 0)} cpu-ms/step: ours/PyTorch ${fmt(t1.cpu_ms_per_step / one.cpuMsPerStep, 2)}`);
    if (parts.length) console.log(`  ${kind}: ${parts.join('; ')}`);
  }

  const ae = rows.filter((r) => r.model === 'ae' && r.engine.startsWith('wasm')).sort((a, b) => b.imgPerSec - a.imgPerSec)[0];
  if (ae) {
    const verdict = ae.imgPerSec >= AE_TARGET ? 'MET' : ae.bestImgPerSec >= AE_TARGET ? 'MET by the fastest step only (mean below: machine busy?)' : 'NOT MET';
    console.log(`\nAE target >= ${AE_TARGET} img/s: ${verdict} (${ae.engine}: mean ${fmt(ae.imgPerSec)} img/s, fastest step ${fmt(ae.bestImgPerSec)} img/s)`);
  }
  if (MODELS.includes('ae')) {
    console.log('');
    for (const l of await profileAeStep()) console.log(l);
  }
  console.log(`\nload average at the end: ${load()} (other processes on these 2 cores slow every number above)`);
}

await main();
