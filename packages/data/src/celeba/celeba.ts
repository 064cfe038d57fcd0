/**
 * CelebA as the book loads it (image_dataset_from_directory, 64x64 bilinear, / 255), streamed: only
 * the batches being consumed (plus a few prefetched) are read and decoded, never the whole set.
 *
 * Layout: `dir` holds list_attr_celeba.csv and the JPEGs, either directly or in img_align_celeba/
 * (or Kaggle's img_align_celeba/img_align_celeba/). The CSV is validated in full and every selected
 * image's presence checked before the dataset is returned; a JPEG that fails to decode stops the
 * pass with an error naming the file and its CSV line.
 *
 * Split (deterministic, no shuffling, stable under `limit`): CSV row i (0-based) is validation when
 * floor((i + 1) * f) > floor(i * f), f = validationFraction (default 0.2): every 5th row at 0.2,
 * exactly floor(n * f) rows, spread evenly through the file.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { Batch, BatchOptions, Dataset, ImageShape } from '../types.ts';
import { DataError, DataOptionError } from '../errors.ts';
import { batchRanges, checkLimit, passOrder } from '../batch-order.ts';
import { readAttributeTable, type AttributeTable } from './celeba-attributes.ts';
import { SYNTHETIC_MARKER } from './synthetic-faces.ts';
import { BYTE_TO_UNIT } from '../uint8-dataset.ts';

export interface CelebAOptions {
  /** Folder holding the JPEGs (or an img_align_celeba/ subfolder) and list_attr_celeba.csv. */
  dir: string;
  /** Attribute file; default dir/list_attr_celeba.csv (or dir/list_attr_celeba.txt). */
  attrCsv?: string;
  /** Image folder; default the first of dir/img_align_celeba/img_align_celeba, dir/img_align_celeba, dir holding the images. */
  imagesDir?: string;
  /** Default 'all' (the book trains the faces VAE on every image). */
  split?: 'train' | 'validation' | 'all';
  /** Share of rows in the validation split, in [0, 1); default 0.2 (the book's validation_split). */
  validationFraction?: number;
  /** Only the first N images of the split. */
  limit?: number;
  /** Output height and width; default 64. */
  imageSize?: number;
  /** Batches decoded ahead of the consumer; default 2. */
  prefetchBatches?: number;
}

/** Whether CSV row `i` (0-based, header excluded) belongs to the validation split. */
export function isValidationRow(i: number, fraction: number): boolean {
  return Math.floor((i + 1) * fraction) > Math.floor(i * fraction);
}

/**
 * A CelebA-format folder as a streamed Dataset of [imageSize, imageSize, 3] float32 images in [0, 1]
 * (default 64x64) with the CSV's +-1 attributes (see the module comment for layout and split).
 * @throws DataOptionError for a bad split, validationFraction, imageSize, prefetchBatches or limit;
 *   DataError when the folder, list_attr_celeba.csv or a listed image is missing or malformed (a
 *   JPEG that fails to decode throws from the batch that reads it).
 */
export async function loadCelebA(options: CelebAOptions): Promise<Dataset> {
  const { dir } = options;
  const split = options.split ?? 'all';
  if (split !== 'train' && split !== 'validation' && split !== 'all') {
    throw new DataOptionError(`split must be 'train', 'validation' or 'all', received ${JSON.stringify(split)}`);
  }
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction >= 0 && fraction < 1)) throw new DataOptionError(`validationFraction must be in [0, 1), received ${String(fraction)}`);
  const imageSize = options.imageSize ?? 64;
  if (!Number.isInteger(imageSize) || imageSize < 1) throw new DataOptionError(`imageSize must be a positive integer, received ${String(imageSize)}`);
  checkLimit(options.limit);
  const prefetch = options.prefetchBatches ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new DataOptionError(`prefetchBatches must be an integer >= 0, received ${String(prefetch)}`);

  const table = await readAttributeTable(options.attrCsv ?? (await defaultAttributeFile(dir)));
  const selected: number[] = [];
  const limit = options.limit ?? Infinity;
  for (let i = 0; i < table.imageIds.length && selected.length < limit; i++) {
    if (split === 'all' || isValidationRow(i, fraction) === (split === 'validation')) selected.push(i);
  }
  const imagesDir = options.imagesDir ?? (await findImagesDir(dir, table));
  const present = await listFiles(imagesDir);
  for (const i of selected) {
    if (!present.has(table.imageIds[i])) {
      const path = join(imagesDir, table.imageIds[i]);
      throw new DataError(
        `Image ${path}, listed on line ${table.lines[i]} of ${table.file}, is missing; ` +
          'restore it or remove its row (or point imagesDir at the folder holding it)',
        { file: path, row: table.lines[i] },
      );
    }
  }
  const synthetic = await stat(join(dir, SYNTHETIC_MARKER)).then(() => true, () => false);
  return new CelebADataset({
    name: `${synthetic ? 'synthetic-faces' : 'celeba'}-${split}`,
    source: resolve(dir),
    table,
    rows: Uint32Array.from(selected),
    imagesDir,
    imageSize,
    prefetch,
  });
}

async function defaultAttributeFile(dir: string): Promise<string> {
  const csv = join(dir, 'list_attr_celeba.csv');
  const txt = join(dir, 'list_attr_celeba.txt');
  if (await stat(csv).then(() => false, () => true) && (await stat(txt).then(() => true, () => false))) return txt;
  return csv;
}

async function findImagesDir(dir: string, table: AttributeTable): Promise<string> {
  const candidates = [join(dir, 'img_align_celeba', 'img_align_celeba'), join(dir, 'img_align_celeba'), dir];
  const first = table.imageIds[0];
  if (first === undefined) return candidates.find(() => true)!;
  for (const c of candidates) {
    if (await stat(join(c, first)).then((s) => s.isFile(), () => false)) return c;
  }
  throw new DataError(
    `Image ${first} (line ${table.lines[0]} of ${table.file}) is in none of ${candidates.join(', ')}; ` +
      'pass imagesDir with the folder holding the JPEGs',
    { file: join(dir, first), row: table.lines[0] },
  );
}

async function listFiles(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (cause) {
    throw new DataError(`Cannot list the image folder ${dir}: ${(cause as Error).message}`, { file: dir, cause });
  }
}

interface CelebADatasetArgs {
  name: string;
  source: string;
  table: AttributeTable;
  /** CSV rows (0-based) of this split, in file order. */
  rows: Uint32Array;
  imagesDir: string;
  imageSize: number;
  prefetch: number;
}

/** At most this many images decode at once (libuv runs 4 by default; more only queues). */
const DECODE_CONCURRENCY = 8;

class CelebADataset implements Dataset {
  readonly name: string;
  readonly source: string;
  readonly size: number;
  readonly imageShape: ImageShape;
  readonly attributeNames: string[];
  private readonly args: CelebADatasetArgs;

  constructor(args: CelebADatasetArgs) {
    this.args = args;
    this.name = args.name;
    this.source = args.source;
    this.size = args.rows.length;
    this.imageShape = [args.imageSize, args.imageSize, 3];
    this.attributeNames = args.table.attributeNames;
  }

  async *batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<Batch> {
    const order = passOrder(this.size, options);
    const ranges = batchRanges(this.size, batchSize, options.dropRemainder);
    const limiter = new Limiter(DECODE_CONCURRENCY);
    const pending: Promise<Batch>[] = [];
    let next = 0;
    const launch = () => {
      const [start, end] = ranges[next++];
      const p = this.loadBatch(order.subarray(start, end), limiter);
      // Marks a prefetched failure as handled until its turn comes (awaiting p still throws then).
      p.catch(() => {});
      pending.push(p);
    };
    while (next < ranges.length || pending.length > 0) {
      while (next < ranges.length && pending.length <= this.args.prefetch) launch();
      yield await pending.shift()!;
    }
  }

  private async loadBatch(positions: Uint32Array, limiter: Limiter): Promise<Batch> {
    const { table, rows, imageSize } = this.args;
    const count = positions.length;
    const per = imageSize * imageSize * 3;
    const nAttr = table.attributeNames.length;
    const images = new Float32Array(count * per);
    const attributes = new Int8Array(count * nAttr);
    await Promise.all(
      Array.from(positions, async (pos, k) => {
        const row = rows[pos];
        attributes.set(table.values.subarray(row * nAttr, (row + 1) * nAttr), k * nAttr);
        const bytes = await limiter.run(() => this.decode(row));
        const o = k * per;
        for (let j = 0; j < per; j++) images[o + j] = BYTE_TO_UNIT[bytes[j]];
      }),
    );
    return { images, count, attributes };
  }

  private async decode(row: number): Promise<Uint8Array> {
    const { table, imagesDir, imageSize } = this.args;
    const path = join(imagesDir, table.imageIds[row]);
    let out: { data: Buffer; info: sharp.OutputInfo };
    try {
      // 'truncated' fails on cut-off or corrupt files but lets benign libjpeg warnings pass.
      out = await sharp(path, { failOn: 'truncated' })
        .removeAlpha()
        .toColourspace('srgb')
        .resize(imageSize, imageSize, { fit: 'fill', kernel: 'linear' })
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (cause) {
      throw new DataError(
        `Cannot decode image ${path} (line ${table.lines[row]} of ${table.file}): ${(cause as Error).message}. ` +
          'Replace the file or remove its row',
        { file: path, row: table.lines[row], cause },
      );
    }
    if (out.info.channels !== 3 || out.data.length !== imageSize * imageSize * 3) {
      throw new DataError(`Image ${path} decoded to ${out.info.channels} channels, expected 3 (RGB)`, { file: path, row: table.lines[row] });
    }
    return out.data;
  }
}

/** Runs at most `max` tasks at once, the rest in arrival order. */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
