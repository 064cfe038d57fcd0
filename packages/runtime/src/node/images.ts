/**
 * Node-only image helpers on sharp: files/bytes (PNG, JPEG, WebP, ...) to model pixels and back,
 * contact sheets, and the sharp-backed ImageCodec the Node server uses (JPEG and resizing on upload).
 * Kept out of the web entry: nothing under src/common or src/web imports this file.
 */
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@latentkit/format/node';
import { InputError } from '../common/errors.ts';
import { contactSheet, toUint8 } from '../common/pixels.ts';
import { encodePng, type Deflate } from '../common/png.ts';
import type { TensorData } from '../common/tensor-data.ts';
import type { ImageCodec } from '../http/image-codec.ts';

/** Largest upload sharp will open (pixels), so a decompression bomb fails fast. */
const MAX_INPUT_PIXELS = 4096 * 4096;

export const zlibDeflate: Deflate = async (data) => new Uint8Array(deflateSync(data, { level: 6 }));

/**
 * Any image sharp reads -> model pixels [H, W, C] in [0, 1]: resized to cover H x W (centre crop),
 * converted to gray or RGB as the model wants, alpha flattened onto white.
 */
export async function imageToPixels(input: Uint8Array | string, shape: readonly [number, number, number]): Promise<Float32Array> {
  const [h, w, c] = shape;
  let img = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .flatten({ background: '#ffffff' })
    .resize(w, h, { fit: 'cover' });
  img = c === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== w || info.height !== h) throw new Error(`sharp produced ${info.width}x${info.height}, expected ${w}x${h}.`);
  const out = new Float32Array(h * w * c);
  const ic = info.channels;
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < c; k++) out[i * c + k] = data[i * ic + Math.min(k, ic - 1)] / 255;
  }
  return out;
}

/** Several image files -> one [N, H, W, C] tensor. */
export async function readImages(paths: readonly string[], shape: readonly [number, number, number]): Promise<TensorData> {
  const size = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(paths.length * size);
  for (let i = 0; i < paths.length; i++) data.set(await imageToPixels(await readFile(paths[i]), shape), i * size);
  return { data, shape: [paths.length, ...shape] };
}

/** One image of a batch (default the first) as PNG bytes. */
export async function toPng(images: TensorData, index = 0): Promise<Uint8Array> {
  const [, h, w, c] = images.shape;
  const size = h * w * c;
  const pixels = toUint8(images.data.subarray(index * size, (index + 1) * size));
  return encodePng({ data: pixels, width: w, height: h, channels: c as 1 | 3 | 4 }, zlibDeflate);
}

/** One image of a batch as JPEG bytes (quality 0-100, default 90). */
export async function toJpeg(images: TensorData, index = 0, quality = 90): Promise<Uint8Array> {
  const [, h, w, c] = images.shape;
  const size = h * w * c;
  const pixels = toUint8(images.data.subarray(index * size, (index + 1) * size));
  return new Uint8Array(await sharp(pixels, { raw: { width: w, height: h, channels: c as 1 | 3 | 4 } }).jpeg({ quality }).toBuffer());
}

export interface SheetOptions {
  cols?: number;
  gap?: number;
  /** Upscale each image by this integer factor (nearest neighbour), e.g. 4 for 32x32 Fashion images. */
  scale?: number;
}

/** All images of a batch in one grid, as PNG bytes. */
export async function contactSheetPng(images: TensorData, options: SheetOptions = {}): Promise<Uint8Array> {
  const sheet = contactSheet(images.data, images.shape, options);
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new InputError(`scale must be a positive integer, got ${scale}.`);
  if (scale === 1) return encodePng(sheet, zlibDeflate);
  return new Uint8Array(
    await sharp(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: sheet.channels } })
      .resize(sheet.width * scale, sheet.height * scale, { kernel: 'nearest' })
      .png()
      .toBuffer(),
  );
}

export async function writeContactSheet(path: string, images: TensorData, options: SheetOptions = {}): Promise<void> {
  await writeFileAtomic(path, await contactSheetPng(images, options));
}

/** The Node server's codec: sharp reads PNG/JPEG/WebP/GIF/TIFF/AVIF uploads and resizes; PNG out via zlib. */
export function sharpCodec(): ImageCodec {
  return {
    accepts: ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/tiff', 'image/avif'],
    async decode(bytes, shape, what) {
      try {
        return await imageToPixels(bytes, shape);
      } catch (e) {
        throw new InputError(`${what} could not be read as an image: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
      }
    },
    encodePng: (image) => encodePng(image, zlibDeflate),
    async size(bytes) {
      // sharp's metadata() reads the header only (no pixel decoding).
      try {
        const m = await sharp(bytes).metadata();
        return m.width && m.height ? { width: m.width, height: m.height } : null;
      } catch {
        return null;
      }
    },
  };
}
