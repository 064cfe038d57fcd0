import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng, randomNormal } from '@latentkit/format';
import { writeImageGrid } from './image-grid.ts';
import { classColor, scatterGeometry, writeLatentScatter } from './latent-scatter.ts';
import { BAR_COLOR, PDF_COLOR, histogram, writeLatentHistograms } from './latent-histograms.ts';
import { niceTicks } from './png.ts';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'lk-viz-')); });
after(() => rm(dir, { recursive: true, force: true }));

async function decode(path: string) {
  const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): number[] => {
    const o = (Math.round(y) * info.width + Math.round(x)) * 3;
    return [data[o], data[o + 1], data[o + 2]];
  };
  const count = (rgb: number[], tol: number) => {
    let n = 0;
    for (let o = 0; o < data.length; o += 3) {
      if (Math.abs(data[o] - rgb[0]) <= tol && Math.abs(data[o + 1] - rgb[1]) <= tol && Math.abs(data[o + 2] - rgb[2]) <= tol) n++;
    }
    return n;
  };
  return { info, at, count };
}
const hexRgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

test('an image grid places each image, scaled, between white padding', async () => {
  // Five 2x3 RGB images, each one flat colour, in 3 columns.
  const colors = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5], [1, 1, 0]];
  const images = new Float32Array(5 * 2 * 3 * 3);
  colors.forEach((c, i) => { for (let p = 0; p < 6; p++) images.set(c, i * 18 + p * 3); });
  const path = join(dir, 'grid.png');
  await writeImageGrid(path, images, [2, 3, 3], { columns: 3, scale: 4, padding: 1 });
  assert.equal((await sharp(path).metadata()).format, 'png');
  const png = await decode(path);
  assert.equal(png.info.width, 3 * (12 + 1) + 1);
  assert.equal(png.info.height, 2 * (8 + 1) + 1);
  colors.forEach((c, i) => {
    const x0 = 1 + (i % 3) * 13, y0 = 1 + Math.floor(i / 3) * 9;
    for (const [dx, dy] of [[0, 0], [11, 7], [5, 3]]) assert.deepEqual(png.at(x0 + dx, y0 + dy), c.map((v) => Math.round(v * 255)), `image ${i}`);
  });
  assert.deepEqual(png.at(0, 0), [255, 255, 255]);
  assert.deepEqual(png.at(13, 4), [255, 255, 255]);
  assert.deepEqual(png.at(30, 12), [255, 255, 255], 'the empty sixth cell stays white');
  // Nothing is left behind but the PNG (the write went through a temp file and a rename).
  assert.deepEqual(await readdir(dir), ['grid.png']);
});

test('grey images and row labels: a labelled margin at the left, pixels clamped to [0, 1]', async () => {
  const images = Float32Array.from({ length: 4 * 16 }, (_, i) => (i < 16 ? 2 : i < 32 ? -1 : 0.25));
  const path = join(dir, 'grid-labels.png');
  await writeImageGrid(path, images, [4, 4, 1], { columns: 2, scale: 8, rows: ['originals', 'recon'] });
  const png = await decode(path);
  const margin = png.info.width - (2 * (32 + 2) + 2);
  assert.ok(margin > 40, `margin ${margin}`);
  assert.equal(png.info.height, 2 * 34 + 2);
  assert.deepEqual(png.at(margin + 2 + 16, 2 + 16), [255, 255, 255]);
  assert.deepEqual(png.at(margin + 36 + 16, 2 + 16), [0, 0, 0]);
  assert.deepEqual(png.at(margin + 2 + 16, 36 + 16), [64, 64, 64]);
  // The labels put dark text pixels in the margin.
  let dark = 0;
  for (let y = 0; y < png.info.height; y++) for (let x = 0; x < margin; x++) if (png.at(x, y)[0] < 100) dark++;
  assert.ok(dark > 30, `${dark} dark pixels of label text`);
  await assert.rejects(writeImageGrid(path, images, [4, 4, 1], { columns: 2, rows: ['one'] }), /1 row labels for 2 grid rows/);
  await assert.rejects(writeImageGrid(path, images.subarray(1), [4, 4, 1], { columns: 2 }), /multiple of 4x4x1/);
});

test('a latent scatter draws each class in its rainbow colour where its points are, with a legend', async () => {
  const n = 600;
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  const centres = [[-3, -2], [0, 4], [5, 1]];
  const rng = createRng(2);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    labels[i] = k;
    points[2 * i] = centres[k][0] + (rng() - 0.5) * 0.4;
    points[2 * i + 1] = centres[k][1] + (rng() - 0.5) * 0.4;
  }
  points[0] = NaN; // skipped, not fatal
  const path = join(dir, 'scatter.png');
  await writeLatentScatter(path, points, labels, ['a', 'b', 'c'], { title: 'test' });
  const png = await decode(path);
  assert.equal(png.info.width, 900);
  assert.equal(png.info.height, 760);
  const g = scatterGeometry(points);
  centres.forEach(([x, y], k) => {
    const [px, py] = g.toPixel(x, y);
    const c = png.at(px, py);
    const want = classColor(k, 3).map((v) => v * 0.8 + 255 * 0.2); // drawn at 80% opacity on white
    assert.ok(c.every((v, j) => Math.abs(v - want[j]) < 16), `class ${k} at (${px}, ${py}): ${c} vs ${want}`);
  });
  // Far from every cluster the plot is white.
  assert.deepEqual(png.at(...g.toPixel(4, -1.5)), [255, 255, 255]);
  // Legend swatches are the full colours.
  for (let k = 0; k < 3; k++) assert.ok(png.count(classColor(k, 3), 8) > 40, `legend swatch ${k}`);
  assert.deepEqual(niceTicks(-3.4, 5.4), [-2, 0, 2, 4]);
  await assert.rejects(writeLatentScatter(path, points, labels, ['a', 'b']), /label 2 of point 2 is outside 0-1/);
});

test('latent histograms: one panel a dimension, density bars under the N(0, 1) curve', async () => {
  const n = 4000, dim = 12;
  const z = randomNormal(createRng(3), new Float32Array(n * dim));
  const h = histogram(z.filter((_, i) => i % dim === 0), 20);
  const area = h.density.reduce((s, v) => s + v * ((h.hi - h.lo) / 20), 0);
  assert.ok(Math.abs(area - 1) < 1e-9, 'densities integrate to 1');
  const peak = Math.max(...h.density);
  assert.ok(Math.abs(peak - 0.4) < 0.06, `peak density ${peak} near N(0, 1)'s 0.399`);

  const path = join(dir, 'hist.png');
  await writeLatentHistograms(path, z, dim, { dims: 12 });
  const png = await decode(path);
  assert.equal(png.info.width, 16 * 2 + 10 * 150 + 9 * 14);
  assert.equal(png.info.height, 16 * 2 + 2 * (90 + 34));
  assert.ok(png.count(hexRgb(BAR_COLOR), 6) > 12 * 1500, 'bars in every panel');
  assert.ok(png.count(hexRgb(PDF_COLOR), 40) > 12 * 100, 'a curve in every panel');
  // Panel 11 is the last; where a 13th would be, all is white.
  assert.deepEqual(png.at(16 + 2 * 164 + 75, 16 + 124 + 45), [255, 255, 255]);
  // Panel 0: the middle bar reaches about as high as the curve's peak (same density scale).
  const left = 16, top = 16;
  let barTop = -1;
  const xMid = left + 75;
  for (let y = top; y < top + 90; y++) {
    const c = png.at(xMid, y);
    if (Math.abs(c[0] - 0x1f) < 10 && Math.abs(c[2] - 0xb4) < 10) { barTop = y; break; }
  }
  assert.ok(barTop > 0 && barTop < top + 20, `bar top at y=${barTop}`);
  await assert.rejects(writeLatentHistograms(path, z.subarray(1), dim), /multiple of dim 12/);
});
