/** Conversions between model pixels (float [0, 1], NHWC) and 8-bit images; contact sheets. */
import { InputError } from './errors.ts';
import type { RawImage } from './png.ts';

export function toUint8(pixels: Float32Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    out[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  return out;
}

/**
 * An 8-bit image -> model pixels with `channels` channels. Gray <-> RGB converts (ITU-R BT.601 luma);
 * alpha is dropped. Sizes must match exactly: resizing is the caller's choice (sharp in Node).
 */
export function toModelPixels(image: RawImage, shape: readonly [number, number, number], what = 'image'): Float32Array {
  const [h, w, c] = shape;
  if (image.width !== w || image.height !== h) {
    throw new InputError(`${what} is ${image.width}x${image.height}; this model takes ${w}x${h} images (width x height).`);
  }
  const out = new Float32Array(h * w * c);
  const ic = image.channels;
  const d = image.data;
  for (let i = 0; i < h * w; i++) {
    const s = i * ic;
    const color = ic >= 3;
    const r = d[s];
    const g = color ? d[s + 1] : r;
    const b = color ? d[s + 2] : r;
    if (c === 1) out[i] = (color ? 0.299 * r + 0.587 * g + 0.114 * b : r) / 255;
    else {
      out[i * c] = r / 255;
      out[i * c + 1] = g / 255;
      out[i * c + 2] = b / 255;
      if (c === 4) out[i * c + 3] = ic === 4 || ic === 2 ? d[s + ic - 1] / 255 : 1;
    }
  }
  return out;
}

/**
 * N images [N, H, W, C] -> one grid image, `cols` per row (default ceil(sqrt(N))), `gap` pixels
 * of `background` between them.
 */
export function contactSheet(pixels: Float32Array, shape: readonly number[], options: { cols?: number; gap?: number; background?: number } = {}): RawImage {
  const [n, h, w, c] = shape;
  const cols = Math.max(1, Math.min(n, options.cols ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const gap = n === 1 ? 0 : options.gap ?? 1;
  const width = cols * w + (cols - 1) * gap;
  const height = rows * h + (rows - 1) * gap;
  const data = new Uint8Array(width * height * c).fill(options.background ?? 255);
  const bytes = toUint8(pixels);
  for (let k = 0; k < n; k++) {
    const ox = (k % cols) * (w + gap);
    const oy = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) {
      const src = ((k * h + y) * w) * c;
      data.set(bytes.subarray(src, src + w * c), ((oy + y) * width + ox) * c);
    }
  }
  return { data, width, height, channels: c as RawImage['channels'] };
}
