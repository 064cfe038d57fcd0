/**
 * The image-folder cache: every readable image of a folder decoded once to uint8 pixels of the
 * model's size, in the folder's sorted order, in one file read back in chunks.
 *
 * File layout (integers little-endian):
 *   16 bytes  magic "LATENTKIT-IMGDIR"
 *   uint32    format version (CACHE_VERSION)
 *   uint32    header length H
 *   H bytes   UTF-8 JSON CacheHeader (key, shape, kept files, labels, skipped files, CRC-32 of the body)
 *   body      count x height x width x channels pixel bytes, then count x attributes int8 (if any)
 * The key is a SHA-256 of the target (size, channels, fit, labels) and of every image's relative
 * path, size and modification time, so editing the folder or changing --image-size builds a new
 * cache. A file failing any check (magic, version, key, length, CRC-32) is rebuilt. Written to a
 * temporary file and renamed (atomic), without holding the images in memory.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DataError } from '../errors.ts';
import { decodeImage, type DecodeTarget } from './decode.ts';
import type { Labels, LabelSource } from './labels.ts';
import { inferLabels, readAttributeCsv } from './labels.ts';
import type { ImageFile } from './scan.ts';

export const CACHE_VERSION = 1;
const MAGIC = 'LATENTKIT-IMGDIR';
const PREFIX = 24;

export interface SkippedFiles {
  count: number;
  /** The first few, relative paths with sharp's reason. */
  first: string[];
}

export interface CacheHeader {
  key: string;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Relative paths of the images kept, in body order. */
  files: string[];
  labels?: number[];
  labelNames?: string[];
  attributeNames?: string[];
  skipped: SkippedFiles;
  /** Images whose alpha channel was dropped. */
  alphaDropped: number;
  bodyBytes: number;
  crc32: number;
}

export interface OpenCache {
  path: string;
  header: CacheHeader;
  /** Byte offset of the first pixel. */
  bodyOffset: number;
  /** The cache was built now (false: an existing file passed its checks). */
  built: boolean;
}

/** The cache key (see the module comment). */
export function cacheKey(images: readonly ImageFile[], target: DecodeTarget, labels: LabelSource): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: CACHE_VERSION, target, labels }));
  for (const f of images) h.update(`${f.rel}\0${f.size}\0${f.mtimeMs}\n`);
  return h.digest('hex');
}

/** Reads and checks a cache file's header (and its body's CRC-32, in 16 MB chunks). @throws DataError for anything stale or corrupt. */
export function readCache(path: string, key: string): OpenCache {
  const fd = openSync(path, 'r');
  try {
    const bad = (what: string) => new DataError(`image cache ${path} ${what}`, { file: path });
    const prefix = Buffer.alloc(PREFIX);
    if (readSync(fd, prefix, 0, PREFIX, 0) !== PREFIX || prefix.toString('latin1', 0, 16) !== MAGIC) throw bad('has no valid magic');
    if (prefix.readUInt32LE(16) !== CACHE_VERSION) throw bad(`is version ${prefix.readUInt32LE(16)}, expected ${CACHE_VERSION}`);
    const headerLength = prefix.readUInt32LE(20);
    const headerBytes = Buffer.alloc(headerLength);
    if (readSync(fd, headerBytes, 0, headerLength, PREFIX) !== headerLength) throw bad('is truncated inside its header');
    let header: CacheHeader;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as CacheHeader;
    } catch {
      throw bad('has an unreadable header');
    }
    if (header.key !== key) throw bad('was built from another folder state or size');
    const bodyOffset = PREFIX + headerLength;
    if (statSync(path).size !== bodyOffset + header.bodyBytes) throw bad(`is ${statSync(path).size} bytes, expected ${bodyOffset + header.bodyBytes}`);
    const chunk = Buffer.alloc(16 << 20);
    let crc = 0;
    for (let pos = 0; pos < header.bodyBytes; ) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, header.bodyBytes - pos), bodyOffset + pos);
      if (n <= 0) throw bad('is truncated');
      crc = crc32(chunk.subarray(0, n), crc);
      pos += n;
    }
    if (crc !== header.crc32) throw bad('fails its CRC-32 check (corrupt)');
    return { path, header, bodyOffset, built: false };
  } finally {
    closeSync(fd);
  }
}

export interface BuildOptions {
  dir: string;
  images: readonly ImageFile[];
  target: DecodeTarget;
  labels: LabelSource;
  key: string;
  /** Refuse (DataError) the first file that fails to decode instead of skipping it. */
  strict: boolean;
  /** Decodes in flight at once (sharp runs each on libuv's thread pool); default 4. */
  concurrency?: number;
  /** Called every ~1,000 images with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes every image of `options.images` and writes the cache file `path` (see the module comment).
 * @throws DataError for a file that fails to decode under `strict`, when no image decodes at all,
 *   or from the attribute CSV.
 */
export async function buildCache(path: string, options: BuildOptions): Promise<OpenCache> {
  const { images, target } = options;
  const per = target.height * target.width * target.channels;
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  const kept: string[] = [];
  const skipped: SkippedFiles = { count: 0, first: [] };
  let alphaDropped = 0;
  let crc = 0;
  try {
    // Reserve nothing up front: the header (which lists the kept files) is written after the body,
    // so the body goes to a separate region first and is moved behind the header at the end.
    let written = 0;
    const concurrency = options.concurrency ?? 4;
    const inFlight: Promise<{ rel: string; pixels?: Uint8Array; alpha?: boolean; error?: string }>[] = [];
    const start = (i: number) => {
      const rel = images[i]!.rel;
      inFlight.push(
        decodeImage(join(options.dir, rel), target).then(
          (d) => ({ rel, pixels: d.pixels, alpha: d.hadAlpha }),
          (e: unknown) => ({ rel, error: (e as Error).message.split('\n')[0] }),
        ),
      );
    };
    let next = 0;
    for (; next < Math.min(concurrency, images.length); next++) start(next);
    for (let done = 0; done < images.length; done++) {
      const r = await inFlight.shift()!;
      if (next < images.length) start(next++);
      if (r.pixels) {
        writeSync(fd, r.pixels, 0, per, written);
        crc = crc32(r.pixels, crc);
        written += per;
        kept.push(r.rel);
        if (r.alpha) alphaDropped++;
      } else {
        if (options.strict) throw new DataError(`${join(options.dir, r.rel)} cannot be decoded (${r.error}); --strict refuses unreadable images`, { file: join(options.dir, r.rel) });
        skipped.count++;
        if (skipped.first.length < 5) skipped.first.push(`${r.rel} (${r.error})`);
      }
      if ((done + 1) % 1000 === 0) options.onProgress?.(done + 1, images.length);
    }
    if (kept.length === 0) {
      throw new DataError(`none of the ${images.length} image file(s) in ${options.dir} could be decoded, e.g. ${skipped.first.join('; ')}`, { file: options.dir });
    }
    const labels: Labels = options.labels === 'inferred' ? inferLabels(kept) : options.labels === 'none' ? {} : readAttributeCsv(options.labels.csv, kept);
    if (labels.attributes) {
      writeSync(fd, labels.attributes, 0, labels.attributes.length, written);
      crc = crc32(labels.attributes, crc);
      written += labels.attributes.length;
    }
    const header: CacheHeader = {
      key: options.key, count: kept.length, height: target.height, width: target.width, channels: target.channels,
      files: kept,
      ...(labels.labels ? { labels: [...labels.labels], labelNames: labels.labelNames } : {}),
      ...(labels.attributeNames ? { attributeNames: labels.attributeNames } : {}),
      skipped, alphaDropped, bodyBytes: written, crc32: crc,
    };
    closeSync(fd);
    // Final file: prefix + header + body (the body copied over in 16 MB chunks, never all in memory).
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(PREFIX);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(CACHE_VERSION, 16);
    prefix.writeUInt32LE(headerBytes.length, 20);
    const finalTmp = `${tmp}.final`;
    const out = openSync(finalTmp, 'w');
    const src = openSync(tmp, 'r');
    try {
      writeSync(out, prefix);
      writeSync(out, headerBytes);
      const chunk = Buffer.alloc(16 << 20);
      for (let pos = 0; pos < written; ) {
        const n = readSync(src, chunk, 0, Math.min(chunk.length, written - pos), pos);
        writeSync(out, chunk, 0, n);
        pos += n;
      }
      fsyncSync(out);
    } finally {
      closeSync(out);
      closeSync(src);
    }
    renameSync(finalTmp, path);
    return { path, header, bodyOffset: PREFIX + headerBytes.length, built: true };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    throw e;
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.final`, { force: true });
  }
}
