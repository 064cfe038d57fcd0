/**
 * `pnpm train`: train one of the book's models and write its run folder.
 *   pnpm train --model ae|vae|faces-vae [--epochs N] [--batch N] [--data PATH] [--out runs/NAME]
 *              [--resume] [--engine auto|webgpu|wasm|cpu|tfjs-node|tfjs-node-gpu] [--workers N] [--limit N] [--seed N]
 * Exit status: 0 done, 2 bad options or data (message only), 1 anything else (with stack).
 */
import { CommanderError } from 'commander';
import { DataError, ValueError } from '../errors.ts';
import { initEngine } from '../engine/select.ts';
import { train } from '../training/loop.ts';
import { defaultProgressMode } from '../training/progress.ts';
import { loadRunData } from './datasets.ts';
import { buildCommand, resolveWorkers, type CliOptions } from './options.ts';

const log = (msg: string) => console.error(msg);

async function run(options: CliOptions): Promise<void> {
  const started = performance.now();
  // Data first: a missing folder or a faces run without data fails before any engine loads.
  const { train: trainData, validation } = await loadRunData(options);
  const engine = await initEngine(options.engine, { log });
  log(
    `training ${options.model} on ${trainData.name} (${trainData.size} images, ${trainData.source}); ` +
      `validation ${validation.name} (${validation.size}); ${options.epochs} epochs, batch ${options.batch}; run folder ${options.out}`,
  );
  const result = await train({
    kind: options.model,
    train: trainData,
    validation,
    outDir: options.out,
    epochs: options.epochs,
    batchSize: options.batch,
    seed: options.seed,
    resume: options.resume,
    learningRate: options.lr,
    microBatch: options.microBatch,
    workers: resolveWorkers(options.workers, engine.name),
    engine: engine.detail ? `${engine.name}: ${engine.detail}` : engine.name,
    progress: options.progress === 'auto' ? defaultProgressMode() : options.progress,
    log,
  });
  const final = result.manifest.finalLosses;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `done in ${seconds.toFixed(1)} s: ${options.out}` +
      (final ? ` (train loss ${final.train.total.toFixed(4)}, val loss ${final.val.total.toFixed(4)})` : ''),
  );
}

try {
  await buildCommand(run).exitOverride().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander has printed the problem (or the help/version text) already.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof ValueError || err instanceof DataError) {
    console.error(`error: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
