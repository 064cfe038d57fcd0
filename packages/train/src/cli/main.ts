/**
 * `pnpm train`: train one of the book's models, or any model spec, and write its run folder.
 *   pnpm train --model ae|vae|faces-vae | --spec FILE | [model flags: --image-size, --latent-dim, ...]
 *              [--epochs N] [--batch N] [--data PATH] [--out runs/NAME]
 *              [--resume] [--engine auto|webgpu|wasm|cpu|tfjs-node|tfjs-node-gpu] [--workers N] [--limit N] [--seed N]
 *              [--logdir DIR] [--histograms] [--no-compile] [--jit]
 * Exit status (@latentkit/format/node cli-exit.ts): 0 done, 2 bad options, data, engine or checkpoint (message only),
 * 1 anything else (with stack).
 */
import { basename, join } from 'node:path';
import { describeQualityReport, describeSpec } from '@latentkit/format';
import { initEngine } from '../engine/select.ts';
import { requestOneThreadPerOp } from '../engine/native/threads.ts';
import { wantsOneThreadPerOp } from './thread-layout.ts';
import { enableXla } from '../engine/native/compiled/xla.ts';
import { train } from '../training/loop.ts';
import { defaultProgressMode } from '../training/progress.ts';
import { conditionRun } from './conditional.ts';
import { loadRunData } from './datasets.ts';
import { isEntryPoint, runCli } from '@latentkit/format/node';
import { buildCommand, resolveWorkers, type CliOptions } from './options.ts';

const log = (msg: string) => console.error(msg);

async function run(options: CliOptions): Promise<void> {
  const started = performance.now();
  // Data first: a missing folder or a faces run without data fails before any engine loads.
  const { spec, train: trainData, validation } = conditionRun(options.spec, await loadRunData(options, log), options.conditional);
  if (options.jit) enableXla();
  // One shard of each batch per core, each TensorFlow op on one thread, where that applies.
  if (wantsOneThreadPerOp(options, spec)) requestOneThreadPerOp();
  const engine = await initEngine(options.engine, { log });
  log(
    `training ${options.model ?? 'a spec model'}${spec.conditional ? ' (conditional)' : ''} (${describeSpec(spec)}) on ${trainData.name} (${trainData.size} images, ${trainData.source}); ` +
      `validation ${validation.name} (${validation.size}); ${options.epochs} epochs, batch ${options.batch}; run folder ${options.out}`,
  );
  const result = await train({
    model: spec,
    train: trainData,
    validation,
    outDir: options.out,
    epochs: options.epochs,
    batchSize: options.batch,
    seed: options.seed,
    resume: options.resume,
    learningRate: options.lr,
    microBatch: options.microBatch,
    compile: options.compile,
    workers: resolveWorkers(options.workers, engine.name),
    engine,
    progress: options.progress === 'auto' ? defaultProgressMode() : options.progress,
    log,
    tensorboard: { dir: options.logdir === undefined ? undefined : join(options.logdir, basename(options.out)), histograms: options.histograms },
  });
  if (result.report) console.log(describeQualityReport(result.report));
  const final = result.manifest.finalLosses;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `done in ${seconds.toFixed(1)} s: ${options.out}` +
      (final ? ` (train loss ${final.train.total.toFixed(4)}, val loss ${final.val.total.toFixed(4)})` : ''),
  );
}

/**
 * Runs `pnpm train` with `argv` (the arguments after the command, e.g. ['--model', 'ae']) and
 * returns the exit status; never throws. Errors are printed on stderr as @latentkit/format/node (cli-exit.ts) describes.
 */
export function main(argv: string[]): Promise<number> {
  return runCli(() => buildCommand(run).exitOverride().parseAsync(argv, { from: 'user' }), 'error');
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
