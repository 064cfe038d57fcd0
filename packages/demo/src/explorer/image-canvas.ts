/**
 * Decoded images ([N, H, W, C] floats in [0, 1]) onto canvases at their native resolution; CSS
 * scales them up with `image-rendering: pixelated`, so one canvas pixel = one model pixel and the
 * tests can read exact values back.
 */
import type { ImageShape } from './model-types.ts';

export function toImageData(images: Float32Array, index: number, shape: ImageShape): ImageData {
  const [height, width, channels] = shape;
  const size = height * width * channels;
  const src = images.subarray(index * size, (index + 1) * size);
  const out = new ImageData(width, height);
  const px = out.data;
  for (let i = 0, j = 0; i < height * width; i++, j += channels) {
    const r = src[j];
    const g = channels >= 3 ? src[j + 1] : r;
    const b = channels >= 3 ? src[j + 2] : r;
    px[i * 4] = clampByte(r);
    px[i * 4 + 1] = clampByte(g);
    px[i * 4 + 2] = clampByte(b);
    px[i * 4 + 3] = 255;
  }
  return out;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
}

/** A canvas sized to one image. */
export function imageCanvas(shape: ImageShape, testid?: string, className = 'img'): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = shape[1];
  c.height = shape[0];
  c.className = className;
  if (testid) c.dataset.testid = testid;
  return c;
}

export function drawImage(canvas: HTMLCanvasElement, images: Float32Array, index: number, shape: ImageShape): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  if (canvas.width !== shape[1] || canvas.height !== shape[0]) {
    canvas.width = shape[1];
    canvas.height = shape[0];
  }
  ctx.putImageData(toImageData(images, index, shape), 0, 0);
}

/** `rows x cols` images as one mosaic canvas (row-major order of the batch). */
export function drawMosaic(canvas: HTMLCanvasElement, images: Float32Array, rows: number, cols: number, shape: ImageShape): void {
  const [height, width] = shape;
  canvas.width = cols * width;
  canvas.height = rows * height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      ctx.putImageData(toImageData(images, r * cols + c, shape), c * width, r * height);
    }
  }
}

/** One row of `cols` images into an existing mosaic canvas (progressive grids). */
export function drawMosaicRow(canvas: HTMLCanvasElement, images: Float32Array, row: number, cols: number, rows: number, shape: ImageShape): void {
  const [height, width] = shape;
  if (canvas.width !== cols * width || canvas.height !== rows * height) {
    canvas.width = cols * width;
    canvas.height = rows * height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  for (let c = 0; c < cols; c++) ctx.putImageData(toImageData(images, c, shape), c * width, row * height);
}
