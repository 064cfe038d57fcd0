/**
 * A grid of images as one PNG: originals against reconstructions, decoded samples, morphs. Optional
 * row labels are drawn in a left margin.
 */
import sharp from 'sharp';
import type { ImageShape } from '../types.ts';
import { ValueError } from '../errors.ts';
import { writeFileAtomic } from '@latentkit/format/node';
import { FONT, escapeXml } from './png.ts';

export interface ImageGridOptions {
  /** Images per row. */
  columns: number;
  /** Integer upscaling of each image (nearest neighbour, pixels stay sharp); default 1. */
  scale?: number;
  /** White pixels between and around images; default 2. */
  padding?: number;
  /** A label per grid row, drawn at its left (e.g. ['originals', 'reconstructions']). */
  rows?: string[];
}

/** An encoded PNG and its size in pixels (RGB). */
export interface RenderedPng {
  png: Uint8Array;
  width: number;
  height: number;
}

/** Writes `images` (n x H x W x C, values in [0, 1], clamped) as a grid PNG (renderImageGrid's). */
export async function writeImageGrid(path: string, images: Float32Array, shape: ImageShape, options: ImageGridOptions): Promise<RenderedPng> {
  const rendered = await renderImageGrid(images, shape, options);
  await writeFileAtomic(path, rendered.png);
  return rendered;
}

/**
 * Renders `images` (n x H x W x C, values in [0, 1], clamped) as an RGB grid PNG in memory.
 * @throws ValueError for channels other than 1 or 3, a value count that is not a multiple of H*W*C,
 *   or columns, scale, padding or row labels that do not fit.
 */
export async function renderImageGrid(images: Float32Array, shape: ImageShape, options: ImageGridOptions): Promise<RenderedPng> {
  const [h, w, c] = shape;
  const { columns } = options;
  const scale = options.scale ?? 1;
  const pad = options.padding ?? 2;
  const per = h * w * c;
  if (c !== 1 && c !== 3) throw new ValueError(`image channels must be 1 or 3, received shape [${shape}]`);
  if (images.length === 0 || images.length % per !== 0) {
    throw new ValueError(`images hold ${images.length} values, expected a positive multiple of ${h}x${w}x${c} = ${per}`);
  }
  if (!Number.isInteger(columns) || columns < 1) throw new ValueError(`columns must be a positive integer, received ${String(columns)}`);
  if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`scale must be a positive integer, received ${String(scale)}`);
  if (!Number.isInteger(pad) || pad < 0) throw new ValueError(`padding must be a non-negative integer, received ${String(pad)}`);
  const n = images.length / per;
  const gridRows = Math.ceil(n / columns);
  if (options.rows && options.rows.length !== gridRows) {
    throw new ValueError(`${options.rows.length} row labels for ${gridRows} grid rows (${n} images, ${columns} columns)`);
  }
  const cellW = w * scale, cellH = h * scale;
  const width = columns * (cellW + pad) + pad;
  const height = gridRows * (cellH + pad) + pad;
  const out = new Uint8Array(width * height * 3).fill(255);
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % columns) * (cellW + pad);
    const oy = pad + Math.floor(i / columns) * (cellH + pad);
    for (let y = 0; y < cellH; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < cellW; x++) {
        const s = i * per + (sy * w + Math.floor(x / scale)) * c;
        const o = ((oy + y) * width + ox + x) * 3;
        for (let k = 0; k < 3; k++) {
          const v = images[s + (c === 1 ? 0 : k)];
          out[o + k] = Math.round(255 * (v > 1 ? 1 : v > 0 ? v : 0)); // NaN -> 0
        }
      }
    }
  }
  let image = sharp(out, { raw: { width, height, channels: 3 } });
  let margin = 0;
  if (options.rows) {
    const fontSize = Math.max(10, Math.min(16, Math.round(cellH * 0.3)));
    margin = Math.ceil(Math.max(...options.rows.map((r) => r.length)) * fontSize * 0.62) + 12;
    const labels = options.rows
      .map((r, i) => {
        const y = pad + i * (cellH + pad) + cellH / 2;
        return `<text x="${margin - 8}" y="${y}" font-size="${fontSize}" text-anchor="end" dominant-baseline="middle">${escapeXml(r)}</text>`;
      })
      .join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${margin}" height="${height}" ${FONT}><rect width="100%" height="100%" fill="#fff"/>${labels}</svg>`;
    const base = await image.extend({ left: margin, background: '#ffffff' }).raw().toBuffer();
    image = sharp(base, { raw: { width: width + margin, height, channels: 3 } }).composite([{ input: Buffer.from(svg), left: 0, top: 0 }]);
  }
  return { png: new Uint8Array(await image.png().toBuffer()), width: width + margin, height };
}
