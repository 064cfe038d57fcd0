/** The training and validation data of a CLI run. */
import { stat } from 'node:fs/promises';
import { ValueError } from '../errors.ts';
import { loadCelebA } from '../data/celeba.ts';
import { loadFashionMnist } from '../data/fashion-mnist.ts';
import type { Dataset } from '../types.ts';
import type { CliOptions } from './options.ts';

export const SYNTHETIC_HINT =
  'pnpm --filter @latentkit/train exec tsx src/data/synthetic-faces-cli.ts --out data/faces --count 2000';

export async function loadRunData(options: CliOptions): Promise<{ train: Dataset; validation: Dataset }> {
  const valLimit = options.valLimit ?? (options.limit === undefined ? undefined : Math.max(1, Math.ceil(options.limit / 5)));
  if (options.model === 'faces-vae') {
    if (options.data === undefined) {
      throw new ValueError(
        'faces-vae needs CelebA images: pass --data <folder with the JPEGs and list_attr_celeba.csv>. ' +
          `CelebA cannot be downloaded here; to try the model, generate a CelebA-format set of drawn faces first:\n  ${SYNTHETIC_HINT}\n` +
          'then run: pnpm train --model faces-vae --data data/faces',
      );
    }
    await mustBeDir(options.data);
    const train = await loadCelebA({ dir: options.data, split: 'train', limit: options.limit });
    const validation = await loadCelebA({ dir: options.data, split: 'validation', limit: valLimit });
    return { train, validation };
  }
  if (options.data !== undefined) await mustBeDir(options.data);
  const train = await loadFashionMnist({ split: 'train', idxDir: options.data, limit: options.limit });
  const validation = await loadFashionMnist({ split: 'test', idxDir: options.data, limit: valLimit });
  return { train, validation };
}

async function mustBeDir(path: string): Promise<void> {
  let ok = false;
  try {
    ok = (await stat(path)).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ValueError(`--data ${path} is not a folder`);
}
