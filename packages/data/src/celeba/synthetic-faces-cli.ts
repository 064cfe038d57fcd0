/**
 * Writes a CelebA-format set of synthetic faces:
 *   node --import tsx src/data/synthetic-faces-cli.ts --out data/faces --count 2000 [--seed 0] [--size 178]
 * Exit status (@latentkit/format/node cli-exit.ts): 0 written, 2 bad options (message only), 1 anything else (with stack).
 */
import { Command, InvalidArgumentError } from 'commander';
import { isEntryPoint, runCli } from '@latentkit/format/node';
import { writeSyntheticFaces } from './synthetic-faces.ts';

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, received "${value}"`);
    return n;
  };
}

const buildCommand = () => new Command()
  .name('synthetic-faces')
  .description('Draw simple faces with known attributes, written as CelebA (JPEGs + list_attr_celeba.csv)')
  .requiredOption('--out <dir>', 'output folder (images go to <dir>/img_align_celeba)')
  .requiredOption('--count <n>', 'number of faces', integer('--count', 1))
  .option('--seed <n>', 'random seed (same seed, same faces)', integer('--seed', 0), 0)
  .option('--size <px>', 'image width (height keeps CelebA\'s 178:218 aspect)', integer('--size', 64), 178)
  .action(async (opts: { out: string; count: number; seed: number; size: number }) => {
    const started = performance.now();
    const result = await writeSyntheticFaces(opts.out, { count: opts.count, seed: opts.seed, size: opts.size });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `wrote ${result.count} faces to ${result.dir} in ${seconds.toFixed(1)} s ` +
        `(attributes: ${result.attributeNames.join(', ')})`,
    );
  });

/** Runs the command with `argv` (the arguments after the script) and returns the exit status; never throws. */
export function main(argv: string[]): Promise<number> {
  return runCli(() => buildCommand().exitOverride().parseAsync(argv, { from: 'user' }), 'error');
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
