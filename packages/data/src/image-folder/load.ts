/**
 * loadImageFolder: a folder of your own images as training and validation Datasets (scan.ts,
 * decode.ts, labels.ts, cache.ts, dataset.ts).
 *
 * Validation split: deterministic, by position in the sorted list of decoded images: image i is
 * validation when floor((i + 1) f) > floor(i f) (every 1/f-th image, spread evenly through the
 * folder and so through its subfolders), as the CelebA loader splits its rows.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { DataOptionError, DataError } from '../errors.ts';
import { buildCache, cacheKey, readCache, type OpenCache, type SkippedFiles } from './cache.ts';
import { ImageFolderDataset } from './dataset.ts';
import { FITS, type Fit } from './decode.ts';
import type { LabelSource } from './labels.ts';
import { scanImageFolder } from './scan.ts';

export interface ImageFolderOptions {
  dir: string;
  /** Output height and width in pixels. */
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
  /** How sources of another aspect ratio become height x width (decode.ts); default 'squash' (Keras). */
  fit?: Fit;
  /** Default 'inferred' (labels.ts). */
  labels?: LabelSource;
  /** Share of images held out for validation, in [0, 1); default 0.2. */
  validationFraction?: number;
  /** Refuse the folder at the first image that fails to decode (default: skip it and report). */
  strict?: boolean;
  /** Folder of the cache files; default $LATENTKIT_CACHE_DIR or ~/.cache/latentkit, + /image-folders. */
  cacheDir?: string;
  /** Only the first N images of each split. */
  limit?: number;
  validationLimit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImageFolderReport {
  /** Image files found (by extension). */
  found: number;
  /** Images decoded into the cache. */
  decoded: number;
  /** Files that failed to decode, skipped (with --strict: refused instead). */
  skipped: SkippedFiles;
  /** Files in the folder that are not images by extension. */
  otherFiles: number;
  /** Images whose alpha channel was dropped. */
  alphaDropped: number;
  cacheFile: string;
  /** The cache was built by this call (false: reused after its checks passed). */
  built: boolean;
}

export interface ImageFolder {
  train: ImageFolderDataset;
  validation: ImageFolderDataset;
  report: ImageFolderReport;
}

/** The default cache folder: $LATENTKIT_CACHE_DIR or ~/.cache/latentkit, then image-folders/. */
export function defaultImageCacheDir(): string {
  return join(process.env.LATENTKIT_CACHE_DIR ?? join(homedir(), '.cache', 'latentkit'), 'image-folders');
}

/** Whether row `i` (0-based) belongs to the validation split of fraction `f` (see the module comment). */
export function isValidationIndex(i: number, f: number): boolean {
  return Math.floor((i + 1) * f) > Math.floor(i * f);
}

function checkOptions(o: ImageFolderOptions): void {
  for (const [name, v] of [['height', o.height], ['width', o.width]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 4096) throw new DataOptionError(`image ${name} must be an integer in 1..4096, received ${String(v)}`);
  }
  if (o.channels !== 1 && o.channels !== 3) throw new DataOptionError(`channels must be 1 (grey) or 3 (RGB), received ${String(o.channels)}`);
  if (o.fit !== undefined && !FITS.includes(o.fit)) throw new DataOptionError(`fit must be one of ${FITS.join(', ')}, received "${String(o.fit)}"`);
  const f = o.validationFraction;
  if (f !== undefined && (!(f >= 0) || f >= 1)) throw new DataOptionError(`validationFraction must be in [0, 1), received ${String(f)}`);
  for (const [name, v] of [['limit', o.limit], ['validationLimit', o.validationLimit]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new DataOptionError(`${name} must be a positive integer, received ${String(v)}`);
  }
}

/**
 * Scans `options.dir`, decodes its images into the cache (or reuses a cache that passes its
 * checks) and returns the two splits and what happened (skipped files, alpha dropped, cache file).
 * @throws DataOptionError for a bad option; DataError for a missing, empty or image-less folder,
 *   a folder where nothing decodes, an unreadable image under `strict`, or a bad attribute CSV.
 */
export async function loadImageFolder(options: ImageFolderOptions): Promise<ImageFolder> {
  checkOptions(options);
  const dir = resolve(options.dir);
  const { images, otherFiles } = scanImageFolder(dir);
  const target = { height: options.height, width: options.width, channels: options.channels, fit: options.fit ?? 'squash' } as const;
  const labels: LabelSource = options.labels ?? 'inferred';
  if (typeof labels === 'object' && !existsSync(labels.csv)) throw new DataError(`attribute CSV ${labels.csv} does not exist`, { file: labels.csv });
  const key = cacheKey(images, target, typeof labels === 'object' ? { csv: resolve(labels.csv) } : labels);
  const path = join(options.cacheDir ?? defaultImageCacheDir(), `${key.slice(0, 32)}.bin`);
  let cache: OpenCache | undefined;
  if (existsSync(path)) {
    try {
      cache = readCache(path, key);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      process.emitWarning(`${e.message}; rebuilding it`, 'LatentkitCacheWarning');
    }
  }
  if (cache?.header.skipped.count && options.strict) {
    throw new DataError(`${join(dir, cache.header.skipped.first[0]!.split(' (')[0]!)} cannot be decoded; --strict refuses unreadable images`, { file: dir });
  }
  cache ??= await buildCache(path, { dir, images, target, labels, key, strict: options.strict === true, onProgress: options.onProgress });
  const h = cache.header;
  const f = options.validationFraction ?? 0.2;
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (let i = 0; i < h.count; i++) (isValidationIndex(i, f) ? valIdx : trainIdx).push(i);
  const split = (idx: number[], limit: number | undefined, what: 'train' | 'validation') => {
    const indices = Uint32Array.from(limit === undefined ? idx : idx.slice(0, limit));
    const attrCount = h.attributeNames?.length ?? 0;
    let attributes: Int8Array | undefined;
    if (attrCount) {
      // Attributes are small (count x names bytes): read once for the split.
      attributes = readAttributes(cache!, indices, attrCount);
    }
    return new ImageFolderDataset({
      name: `${dir.split(/[\\/]/).pop()}-${what}`,
      source: dir,
      path: cache!.path,
      bodyOffset: cache!.bodyOffset,
      imageShape: [h.height, h.width, h.channels],
      total: h.count,
      indices,
      ...(h.labels ? { labels: Int32Array.from(indices, (i) => h.labels![i]!), labelNames: h.labelNames } : {}),
      ...(attributes ? { attributes, attributeNames: h.attributeNames } : {}),
    });
  };
  return {
    train: split(trainIdx, options.limit, 'train'),
    validation: split(valIdx, options.validationLimit, 'validation'),
    report: {
      found: images.length, decoded: h.count, skipped: h.skipped, otherFiles, alphaDropped: h.alphaDropped,
      cacheFile: cache.path, built: cache.built,
    },
  };
}

function readAttributes(cache: OpenCache, indices: Uint32Array, a: number): Int8Array {
  const h = cache.header;
  const all = Buffer.alloc(h.count * a);
  const fd = openSync(cache.path, 'r');
  try {
    readSync(fd, all, 0, all.length, cache.bodyOffset + h.count * h.height * h.width * h.channels);
  } finally {
    closeSync(fd);
  }
  const out = new Int8Array(indices.length * a);
  indices.forEach((i, k) => out.set(new Int8Array(all.buffer, all.byteOffset + i * a, a), k * a));
  return out;
}
