/**
 * `pnpm bench` for @latentkit/train: training images/s of the book's three models (ae, vae, faces-vae
 * at the book's batch sizes 100/100/128) on our engines, against the book's own Keras code and the
 * same networks in PyTorch, all measured in this one run, as ratios:
 *   - native: tfjs-node's 'tensorflow' backend with our kernels (src/engine/native), one process,
 *     TensorFlow's own threads; faces VAE at 128 in one piece. Rows: "compiled" (one TensorFlow
 *     graph call per step, training/compiled-step.ts, with TensorFlow's default threads: each op
 *     split over every core), "eager" (one TensorFlow op call per kernel, --no-compile), and for
 *     models without BatchNormalization "sharded" (the compiled step as `pnpm train` runs them: one
 *     shard of the batch per core, each op on one thread, engine/native/threads.ts; measured in a
 *     process of its own, bench/native-sharded.ts, since TensorFlow fixes its threads at load).
 *     Skipped, saying why, where tfjs-node does not load.
 *     XLA (--jit) is measured by running this with TF_XLA_FLAGS="--tf_xla_auto_jit=2
 *     --tf_xla_cpu_global_jit" (TensorFlow reads it once per process).
 *   - wasm: tfjs-backend-wasm with our kernels, 1 and 2 replicas (training/parallel.ts).
 *   - Keras: bench/keras_reference.py (TF 2.21 + Keras 3.15 from scripts/python/env.sh's venv), run
 *     right after the native measurement of the same model so both see the same machine load; with
 *     jit_compile as the book leaves it ('auto': XLA in Keras 3) and off (oneDNN graph, Keras 2's way).
 *   - PyTorch: bench/torch_reference.py where Debian's python3-torch is installed.
 * Then per-op profiles of one native step with and without our native kernels, and of a wasm step.
 *
 * A "step" is what training does per batch: forward, backward and the Adam update. Images are random
 * (speed does not depend on them). Other processes on this 2-core machine add noise: the load
 * average is printed at the start and the end; compare ratios, measured minutes apart at most.
 *
 * Model specs (@latentkit/format model-spec.ts) too: each BENCH_SPECS entry `file@batch` (files in
 * bench/specs/; default vae-48x48x3.json@64, a non-book spec: 48x48x3, filters 32,64,128, latent 16)
 * on the native engine, then the same spec JSON built in Keras (scripts/python/spec_models.py),
 * with both parameter counts printed as a check that the two networks are the same.
 *
 * Options (env): BENCH_SECONDS (min measured seconds per config, default 6),
 *                BENCH_MODELS (default ae,vae,faces-vae), BENCH_ENGINES (default native,wasm),
 *                BENCH_SPECS (default vae-48x48x3.json@64; empty: none),
 *                BENCH_KERAS=0 / BENCH_TORCH=0 to skip a reference, BENCH_KERAS_JIT (default auto,off).
 */
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModelSpec, presetSpec, type ModelSpec } from '@latentkit/format';
import * as tf from '@tensorflow/tfjs-core';
import { withStockGradients } from '../src/engine/gradients/register.ts';
import { withoutNativeGradients } from '../src/engine/native/register.ts';
import { initEngine, type EngineInfo } from '../src/engine/select.ts';
import { buildModel } from '@latentkit/models';
import { Adam } from '@latentkit/models';
import { FACES_MICRO_BATCH, defaultLearningRate } from '../src/training/loop.ts';
import { createParallelStepper } from '../src/training/parallel.ts';
import { BOOK_DEFAULTS, DEFAULT_LEARNING_RATE } from '@latentkit/models/book-defaults';
import { trainStep } from '../src/training/step.ts';
import { CompiledStep } from '../src/training/compiled-step.ts';
import type { ModelPair } from '@latentkit/models';
import type { ModelKind } from '../src/types.ts';
import { profileStep, profileTable } from './profile.ts';
import { timeSteps as timeStepsFor, type StepTiming } from './step-timing.ts';
import { referencePython, runKeras, runKerasSpec, runTorch, type ReferenceRow } from './references.ts';

const AE_WASM_TARGET = 250;
/** Native engine vs the book's Keras code (issue 9). */
const NATIVE_KERAS_TARGET = 0.6;
/** The compiled native step vs the book's Keras (issue 22). */
const COMPILED_KERAS_TARGET = 1.0;
/** The row of the compiled step in one shard per core (bench/native-sharded.ts). */
const SHARDED = 'native sharded';
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const MODELS = (process.env.BENCH_MODELS ?? 'ae,vae,faces-vae').split(',') as ModelKind[];
const ENGINES = (process.env.BENCH_ENGINES ?? 'native,wasm').split(',');
const KERAS_JIT = process.env.BENCH_KERAS_JIT ?? 'auto,off';
const SPECS = (process.env.BENCH_SPECS ?? 'vae-48x48x3.json@64').split(',').filter(Boolean).map((entry) => {
  const [file, batch] = entry.split('@');
  const path = fileURLToPath(new URL(`./specs/${file}`, import.meta.url));
  return { name: file!.replace(/\.json$/, ''), path, batch: Number(batch ?? 64), spec: parseModelSpec(JSON.parse(readFileSync(path, 'utf8')), path) };
});

interface Row {
  /** A book model's kind, or a spec file's name. */
  model: string;
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

const timeSteps = (step: () => Promise<unknown> | unknown, slow: boolean) => timeStepsFor(step, slow, MIN_SECONDS);

function rowOf(kind: ModelKind, engine: string, t: StepTiming, note?: string): Row {
  const batch = BOOK_DEFAULTS[kind].batchSize;
  return { model: kind, batch, engine, msPerStep: t.ms, imgPerSec: (batch * 1000) / t.ms, bestImgPerSec: (batch * 1000) / t.best, cpuMsPerStep: t.cpuMsPerStep, steps: t.steps, note };
}

function inputs(kind: ModelKind, imageShape: readonly [number, number, number], latentDim: number) {
  const batch = BOOK_DEFAULTS[kind].batchSize;
  const x = tf.randomUniform([batch, ...imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  const eps = kind === 'ae' ? undefined : (tf.tidy(() => tf.randomNormal([batch, latentDim], 0, 1, 'float32', 4).dataSync()) as Float32Array);
  return { x, eps };
}

/**
 * One step function on the native engine: the compiled step (one TensorFlow graph call per batch,
 * what the training loop runs by default) or the eager one (trainStep, --no-compile); with a note
 * giving the eager step's TensorFlow op calls (from the compiled step's trace) and the graph's size.
 */
function nativeStepper(pair: ModelPair, optimizer: Adam, batch: number, compiled: boolean): { step: (x: tf.Tensor4D, eps?: Float32Array) => unknown; note: string; dispose: () => void } {
  if (!compiled) return { step: (x, eps) => trainStep(pair, optimizer, x, { eps }), note: 'eager', dispose: () => {} };
  const started = performance.now();
  const c = CompiledStep.create(pair, optimizer, { batchSizes: [batch] });
  const rewrites = Object.entries(c.rewrites).map(([name, k]) => `${name} x${k}`).join(', ');
  const note = `1 graph call/step (eager: ${c.eagerOps[batch]} op calls); built in ${fmt((performance.now() - started) / 1000)} s; rewrites: ${rewrites || 'none'}`;
  return { step: (x, eps) => c.step(x, { eps }), note, dispose: () => c.dispose() };
}

/** The native engine: the training loop's single-process path, whole batch in one piece, compiled or eager. */
async function measureNative(kind: ModelKind, compiled: boolean): Promise<Row> {
  const pair = buildModel(kind, { seed: 1 });
  const optimizer = new Adam({ learningRate: DEFAULT_LEARNING_RATE[kind] });
  const { x, eps } = inputs(kind, pair.imageShape, pair.latentDim);
  const stepper = nativeStepper(pair, optimizer, BOOK_DEFAULTS[kind].batchSize, compiled);
  try {
    const t = await timeSteps(() => stepper.step(x, eps), kind === 'faces-vae');
    return rowOf(kind, compiled ? 'native compiled' : 'native eager', t, stepper.note);
  } finally {
    stepper.dispose();
    x.dispose();
    optimizer.dispose();
  }
}

/** A model spec on the native engine, as measureNative: one process, the whole batch in one piece. */
async function measureNativeSpec(name: string, spec: ModelSpec, batch: number, compiled: boolean): Promise<{ row: Row; params: [number, number] }> {
  const pair = buildModel(spec, { seed: 1 });
  const optimizer = new Adam({ learningRate: defaultLearningRate(spec) });
  const x = tf.randomUniform([batch, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  const eps = spec.type === 'ae' ? undefined : (tf.tidy(() => tf.randomNormal([batch, pair.latentDim], 0, 1, 'float32', 4).dataSync()) as Float32Array);
  const stepper = nativeStepper(pair, optimizer, batch, compiled);
  try {
    const t = await timeSteps(() => stepper.step(x, eps), false);
    const row: Row = { model: name, batch, engine: compiled ? 'native compiled' : 'native eager', msPerStep: t.ms, imgPerSec: (batch * 1000) / t.ms, bestImgPerSec: (batch * 1000) / t.best, cpuMsPerStep: t.cpuMsPerStep, steps: t.steps, note: `model spec; ${stepper.note}` };
    return { row, params: [pair.encoder.countParams(), pair.decoder.countParams()] };
  } finally {
    stepper.dispose();
    x.dispose();
    optimizer.dispose();
  }
}

/**
 * The compiled step as the training loop runs it for a model without BatchNormalization: one shard
 * of the batch per core, each op on one thread (src/engine/native/threads.ts). TensorFlow fixes that
 * layout when it loads, so it runs in a process of its own (bench/native-sharded.ts).
 */
function measureNativeSharded(model: string, target: string, batch: number): Row | string {
  const script = fileURLToPath(new URL('./native-sharded.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, target, String(batch), String(MIN_SECONDS)], { encoding: 'utf8', timeout: 10 * 60_000 });
  const last = r.stdout?.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !last.startsWith('{')) return `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').at(-1)}`;
  const t = JSON.parse(last) as StepTiming & { note: string };
  return { model, batch, engine: SHARDED, msPerStep: t.ms, imgPerSec: (batch * 1000) / t.ms, bestImgPerSec: (batch * 1000) / t.best, cpuMsPerStep: t.cpuMsPerStep, steps: t.steps, note: t.note };
}

/** The wasm engine with `workers` replicas (faces: micro-batches, as the training loop does on wasm). */
async function measureWasm(kind: ModelKind, workers: number, engine: EngineInfo): Promise<Row> {
  const pair = buildModel(kind, { seed: 1 });
  const optimizer = new Adam({ learningRate: DEFAULT_LEARNING_RATE[kind] });
  // Faces at 128 in one piece exhausts wasm's 4 GB, so each replica accumulates micro-batches.
  const microBatch = kind === 'faces-vae' ? FACES_MICRO_BATCH : undefined;
  const stepper = await createParallelStepper({ pair, optimizer, engine, modelArgs: { seed: 1 }, workers, microBatch });
  const { x, eps } = inputs(kind, pair.imageShape, pair.latentDim);
  try {
    const t = await timeSteps(() => stepper.step(x, { eps }), kind === 'faces-vae');
    return rowOf(kind, `wasm, ${workers} thread${workers > 1 ? 's' : ''}`, t, microBatch ? `micro-batches of ${microBatch}` : undefined);
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
  return { model: 'ae', batch, engine: 'cpu (pure JS)', msPerStep: ms, imgPerSec: (batch * 1000) / ms, bestImgPerSec: (batch * 1000) / ms, cpuMsPerStep: (cpu.user + cpu.system) / 1000, steps: 1, note: 'one step at batch 4 only: a batch-100 step takes minutes' };
}

const refLabel = (r: ReferenceRow) => (r.jit_compile !== undefined ? `Keras (jit ${r.jit_compile})` : `PyTorch ${r.threads ?? '?'} thr`);

function table(rows: Row[], keras: ReferenceRow[], torch: Map<string, ReferenceRow>): string[] {
  const kerasFor = (m: string, jit: string) => keras.find((k) => k.model === m && k.jit_compile === jit);
  const jits = [...new Set(keras.map((k) => String(k.jit_compile)))];
  const head =
    `${'model'.padEnd(10)} ${'batch'.padStart(5)}  ${'engine'.padEnd(18)} ${'ms/step'.padStart(8)} ${'img/s'.padStart(7)} ${'best'.padStart(7)} ${'cpu ms'.padStart(7)}` +
    jits.map((j) => ` ${`/Keras(${j})`.padStart(12)}`).join('') +
    ` ${'/PyTorch'.padStart(8)}  note`;
  const out = [head];
  const line = (model: string, batch: number, engine: string, ms: number, img: number, best: number, cpu: number, note = '') =>
    `${model.padEnd(10)} ${String(batch).padStart(5)}  ${engine.padEnd(18)} ${fmt(ms, 0).padStart(8)} ${fmt(img).padStart(7)} ${fmt(best).padStart(7)} ${fmt(cpu, 0).padStart(7)}` +
    jits.map((j) => {
      const k = kerasFor(model, j);
      return ` ${(k && k.batch === batch ? `${fmt(img / k.img_per_s, 2)}x` : '-').padStart(12)}`;
    }).join('') +
    ` ${(torch.get(model) && torch.get(model)!.batch === batch ? `${fmt(img / torch.get(model)!.img_per_s, 2)}x` : '-').padStart(8)}  ${note}`;
  for (const kind of [...MODELS, ...SPECS.map((s) => s.name)]) {
    for (const r of rows.filter((x) => x.model === kind)) out.push(line(r.model, r.batch, r.engine, r.msPerStep, r.imgPerSec, r.bestImgPerSec, r.cpuMsPerStep, r.note));
    for (const k of keras.filter((x) => x.model === kind)) out.push(line(k.model, k.batch, refLabel(k), k.ms_per_step, k.img_per_s, k.best_img_per_s, k.cpu_ms_per_step, `TF ${k.tf}, Keras ${k.keras}`));
    const t = torch.get(kind);
    if (t) out.push(line(t.model, t.batch, refLabel(t), t.ms_per_step, t.img_per_s, t.best_img_per_s, t.cpu_ms_per_step, 'Debian python3-torch'));
  }
  out.push('img/s: mean over the measured steps; best: the fastest single step; cpu ms: CPU time of all threads per step;');
  out.push('/Keras, /PyTorch: mean img/s of the row over the reference\'s mean img/s for the same model and batch.');
  return out;
}

function logSharded(rows: Row[], notes: string[], result: Row | string, model: string): void {
  if (typeof result === 'string') {
    notes.push(`${model} ${SHARDED}: FAILED: ${result}`);
    console.log(`  ${model} ${SHARDED}: FAILED: ${result}`);
    return;
  }
  rows.push(result);
  console.log(`  ${model} ${SHARDED}: ${fmt(result.imgPerSec)} img/s (${fmt(result.msPerStep, 0)} ms/step over ${result.steps} steps; ${result.note}; load ${load()})`);
}

async function main(): Promise<void> {
  console.log(`train-speed: training images/s (forward + backward + Adam) on ${cpus().length} cores; load average ${load()}`);
  const rows: Row[] = [];
  const keras: ReferenceRow[] = [];
  const notes: string[] = [];

  let python: string | undefined;
  if (process.env.BENCH_KERAS !== '0') {
    const py = referencePython();
    if ('error' in py) notes.push(`Keras: skipped: ${py.error}`);
    else python = py.python;
  } else notes.push('Keras: skipped (BENCH_KERAS=0)');

  let native = false;
  if (ENGINES.includes('native')) {
    try {
      await initEngine('tfjs-node', { log: (m) => console.log(m) });
      native = true;
    } catch (error) {
      const why = (error as Error).message.split('\n')[0];
      console.log(`native engine: NOT AVAILABLE, not measured: ${why}`);
      notes.push(`native engine not available: ${why}`);
    }
  }
  for (const kind of MODELS) {
    if (native) {
      await initEngine('tfjs-node', { log: () => {} });
      for (const compiled of [true, false]) {
        const row = await measureNative(kind, compiled);
        rows.push(row);
        console.log(`  ${kind} ${row.engine}: ${fmt(row.imgPerSec)} img/s (${fmt(row.msPerStep, 0)} ms/step over ${row.steps} steps; ${row.note}; load ${load()})`);
      }
      if (presetSpec(kind).norm !== 'batch') logSharded(rows, notes, measureNativeSharded(kind, kind, BOOK_DEFAULTS[kind].batchSize), kind);
    }
    // The book's Keras right after our native run of the same model: both see the same load.
    if (python) {
      const result = runKeras(python, [kind], Math.min(MIN_SECONDS, 4), KERAS_JIT);
      if (typeof result === 'string') {
        notes.push(`Keras ${kind}: ${result}`);
        console.log(`  ${kind} Keras: ${result}`);
      } else {
        keras.push(...result);
        for (const k of result) console.log(`  ${kind} ${refLabel(k)}: ${fmt(k.img_per_s)} img/s (${fmt(k.ms_per_step, 0)} ms/step over ${k.steps} steps)`);
      }
    }
  }

  // Model specs: native, then Keras built from the same spec JSON right after (same machine load).
  for (const s of native ? SPECS : []) {
    await initEngine('tfjs-node', { log: () => {} });
    let params: [number, number] = [0, 0];
    for (const compiled of [true, false]) {
      const m = await measureNativeSpec(s.name, s.spec, s.batch, compiled);
      rows.push(m.row);
      params = m.params;
      console.log(`  ${s.name} ${m.row.engine}: ${fmt(m.row.imgPerSec)} img/s (${fmt(m.row.msPerStep, 0)} ms/step over ${m.row.steps} steps, batch ${s.batch}; params ${params.join(' + ')}; ${m.row.note}; load ${load()})`);
    }
    if (s.spec.norm !== 'batch') logSharded(rows, notes, measureNativeSharded(s.name, s.path, s.batch), s.name);
    if (python) {
      const result = runKerasSpec(python, s.path, s.batch, Math.min(MIN_SECONDS, 4), KERAS_JIT);
      if (typeof result === 'string') {
        notes.push(`Keras ${s.name}: ${result}`);
        console.log(`  ${s.name} Keras: ${result}`);
      } else {
        keras.push(...result);
        for (const k of result) {
          const same = k.params && k.params[0] === params[0] && k.params[1] === params[1];
          console.log(`  ${s.name} ${refLabel(k)}: ${fmt(k.img_per_s)} img/s (${fmt(k.ms_per_step, 0)} ms/step over ${k.steps} steps; params ${k.params?.join(' + ')}, ${same ? 'the same' : 'DIFFERENT'})`);
        }
      }
    }
  }

  if (ENGINES.includes('wasm')) {
    const wasm = await initEngine('wasm', { log: (m) => console.log(m) });
    for (const kind of MODELS) {
      for (const workers of [1, 2]) {
        try {
          const row = await measureWasm(kind, workers, wasm);
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
      console.log(`  ae cpu (pure JS): ${fmt(row.imgPerSec, 2)} img/s (one step at batch ${row.batch}); vae and faces-vae skipped on cpu: minutes per step`);
    }
  }

  const torch = new Map<string, ReferenceRow>();
  if (process.env.BENCH_TORCH !== '0') {
    // PyTorch with 2 threads and with 1 (its OpenMP threads spin when another process holds a core);
    // the faster is the reference.
    for (const threads of [2, 1]) {
      const result = runTorch(MODELS, Math.min(MIN_SECONDS, 4), threads);
      if (typeof result === 'string') {
        notes.push(`PyTorch: skipped: ${result}`);
        break;
      }
      for (const t of result) {
        const best = torch.get(t.model);
        if (!best || t.img_per_s > best.img_per_s) torch.set(t.model, t);
      }
    }
  } else notes.push('PyTorch: skipped (BENCH_TORCH=0)');

  console.log('');
  for (const l of table(rows, keras, torch)) console.log(l);
  for (const n of notes) console.log(n);

  if (native && keras.length) {
    // The compiled step's verdict is on the layout `pnpm train` runs: sharded where the model has no BatchNormalization.
    for (const [engine, target] of [['native eager', NATIVE_KERAS_TARGET], ['native compiled', COMPILED_KERAS_TARGET]] as const) {
      console.log(`\n${engine}${engine === 'native compiled' ? ` (as training runs it: ${SHARDED} where a row exists)` : ''} >= ${target}x the book's Keras (each jit setting):`);
      for (const kind of [...MODELS, ...SPECS.map((s) => s.name)]) {
        const ours = (engine === 'native compiled' && rows.find((r) => r.model === kind && r.engine === SHARDED)) || rows.find((r) => r.model === kind && r.engine === engine);
        for (const k of keras.filter((x) => x.model === kind)) {
          if (!ours) continue;
          const ratio = ours.imgPerSec / k.img_per_s;
          console.log(`  ${kind.padEnd(10)} ${ours.engine.padEnd(16)} vs ${refLabel(k).padEnd(17)} ${fmt(ratio, 2)}x  ${ratio >= target ? 'MET' : 'NOT MET'}`);
        }
      }
    }
  }
  const ae = rows.filter((r) => r.model === 'ae' && r.engine.startsWith('wasm')).sort((a, b) => b.imgPerSec - a.imgPerSec)[0];
  if (ae) {
    console.log(`\nwasm AE target >= ${AE_WASM_TARGET} img/s: ${ae.imgPerSec >= AE_WASM_TARGET ? 'MET' : 'NOT MET'} (${ae.engine}: mean ${fmt(ae.imgPerSec)} img/s)`);
  }

  if (native) {
    await initEngine('tfjs-node', { log: () => {} });
    for (const kind of MODELS.filter((m) => m !== 'vae')) {
      const ours = await profileStep(kind, BOOK_DEFAULTS[kind].batchSize);
      const stock = await withoutNativeGradients(() => withStockGradients(() => profileStep(kind, BOOK_DEFAULTS[kind].batchSize, false)));
      console.log('');
      for (const l of profileTable(`one native ${kind} step, batch ${BOOK_DEFAULTS[kind].batchSize}, tfjs's own gradients, BatchNorm and Adam`, stock)) console.log(l);
      for (const l of profileTable(`one native ${kind} step, batch ${BOOK_DEFAULTS[kind].batchSize}, our native kernels`, ours)) console.log(l);
    }
  }
  if (ENGINES.includes('wasm') && MODELS.includes('ae')) {
    await initEngine('wasm', { log: () => {} });
    console.log('');
    for (const l of profileTable('one wasm ae step, batch 100, one thread', await profileStep('ae', 100), 10)) console.log(l);
  }
  console.log(`\nload average at the end: ${load()} (other processes on these 2 cores slow every number above)`);
}

await main();
