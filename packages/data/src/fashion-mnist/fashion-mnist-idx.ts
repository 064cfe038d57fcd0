/** Fashion-MNIST (or MNIST) from the standard IDX files a user downloaded. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { readIdx } from './idx.ts';

const PREFIX = { train: 'train', test: 't10k' } as const;

/** Finds `${prefix}-${kind}-idxN-ubyte`, also with `.gz` or the `.idxN-ubyte` spelling of some mirrors. */
async function findFile(dir: string, prefix: string, kind: 'images' | 'labels'): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new DataError(`Cannot read IDX folder ${dir}: ${(cause as Error).message}`, { file: dir, cause });
  }
  const n = kind === 'images' ? 3 : 1;
  const wanted = [`${prefix}-${kind}-idx${n}-ubyte`, `${prefix}-${kind}.idx${n}-ubyte`];
  for (const base of wanted) {
    for (const name of [base, `${base}.gz`]) if (names.includes(name)) return join(dir, name);
  }
  throw new DataError(
    `No ${kind} file for the ${prefix} split in ${dir}: expected ${wanted[0]} or ${wanted[0]}.gz ` +
      '(the standard Fashion-MNIST file names)',
    { file: dir },
  );
}

export async function readFashionIdx(dir: string, split: 'train' | 'test'): Promise<{ pixels: Uint8Array; labels: Uint8Array }> {
  const prefix = PREFIX[split];
  const imagesPath = await findFile(dir, prefix, 'images');
  const labelsPath = await findFile(dir, prefix, 'labels');
  const images = await readIdx(imagesPath);
  const labels = await readIdx(labelsPath);
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new DataError(`${imagesPath} has dims [${images.dims.join(', ')}], expected [count, 28, 28]`, { file: imagesPath });
  }
  if (labels.dims.length !== 1) {
    throw new DataError(`${labelsPath} has dims [${labels.dims.join(', ')}], expected [count]`, { file: labelsPath });
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new DataError(
      `${imagesPath} holds ${images.dims[0]} images but ${labelsPath} holds ${labels.dims[0]} labels; ` +
        'they must match: are the files from the same split and download?',
      { file: labelsPath },
    );
  }
  const bad = labels.data.findIndex((v) => v > 9);
  if (bad >= 0) {
    throw new DataError(`${labelsPath}: label ${labels.data[bad]} at item ${bad} is outside 0-9`, { file: labelsPath, row: bad });
  }
  return { pixels: images.data, labels: labels.data };
}
