/**
 * The book's latent histograms for the faces VAE: for each of the first 50 latent dimensions, a
 * density histogram (20 bins over the data's range) with the N(0, 1) density overlaid, labelled by
 * dimension index; 10 panels a row, axes off, as its matplotlib code draws them.
 */
import { ValueError } from '../errors.ts';
import { FONT, writeSvgPng } from './png.ts';

export interface LatentHistogramOptions {
  /** How many leading dimensions to plot; default 50. */
  dims?: number;
  /** Bins per histogram; default 20 (the book's). */
  bins?: number;
}

const PANEL_W = 150, PANEL_H = 90, GAP_X = 14, GAP_Y = 34, MARGIN = 16, COLUMNS = 10;
export const BAR_COLOR = '#1f77b4'; // matplotlib's first colour, the book's bars
export const PDF_COLOR = '#ff7f0e'; // and its second, the book's N(0, 1) line

export interface Histogram {
  lo: number;
  hi: number;
  /** Densities: counts / (n * binWidth), so the bars' area is 1. */
  density: number[];
}

/** numpy.histogram(values, bins, density=True) for the finite values (range min..max). */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
  let lo = Infinity, hi = -Infinity, n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0) return { lo: -1, hi: 1, density: new Array(bins).fill(0) };
  if (lo === hi) { lo -= 0.5; hi += 0.5; } // numpy's rule for a constant sample
  const counts = new Array(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { lo, hi, density: counts.map((c) => c / (n * width)) };
}

const normalPdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

export async function writeLatentHistograms(
  path: string,
  latents: Float32Array,
  dim: number,
  options: LatentHistogramOptions = {},
): Promise<void> {
  if (!Number.isInteger(dim) || dim < 1) throw new ValueError(`dim must be a positive integer, received ${String(dim)}`);
  if (latents.length === 0 || latents.length % dim !== 0) {
    throw new ValueError(`latents hold ${latents.length} values, expected a positive multiple of dim ${dim}`);
  }
  const bins = options.bins ?? 20;
  const dims = Math.min(options.dims ?? 50, dim);
  if (!Number.isInteger(dims) || dims < 1) throw new ValueError(`dims must be a positive integer, received ${String(options.dims)}`);
  const n = latents.length / dim;
  const rows = Math.ceil(dims / COLUMNS);
  const cols = Math.min(COLUMNS, dims);
  const width = MARGIN * 2 + cols * PANEL_W + (cols - 1) * GAP_X;
  const height = MARGIN * 2 + rows * (PANEL_H + GAP_Y);
  const column = new Float32Array(n);
  const panels: string[] = [];
  for (let d = 0; d < dims; d++) {
    for (let i = 0; i < n; i++) column[i] = latents[i * dim + d];
    const h = histogram(column, bins);
    // matplotlib autoscaling: the view holds both the bars and the curve drawn over [-3, 3].
    const x0 = Math.min(h.lo, -3), x1 = Math.max(h.hi, 3);
    const yMax = Math.max(...h.density, normalPdf(0)) * 1.05;
    const left = MARGIN + (d % COLUMNS) * (PANEL_W + GAP_X);
    const top = MARGIN + Math.floor(d / COLUMNS) * (PANEL_H + GAP_Y);
    const px = (x: number) => left + ((x - x0) / (x1 - x0)) * PANEL_W;
    const py = (y: number) => top + PANEL_H - (y / yMax) * PANEL_H;
    const bw = (h.hi - h.lo) / bins;
    const bars = h.density
      .map((v, b) => {
        if (v === 0) return '';
        const xa = px(h.lo + b * bw), xb = px(h.lo + (b + 1) * bw);
        return `<rect x="${xa.toFixed(2)}" y="${py(v).toFixed(2)}" width="${(xb - xa).toFixed(2)}" height="${(top + PANEL_H - py(v)).toFixed(2)}"/>`;
      })
      .join('');
    const curve = Array.from({ length: 100 }, (_, k) => {
      const x = -3 + (6 * k) / 99;
      return `${px(x).toFixed(2)},${py(normalPdf(x)).toFixed(2)}`;
    }).join(' ');
    panels.push(
      `<g fill="${BAR_COLOR}">${bars}</g>` +
        `<polyline points="${curve}" fill="none" stroke="${PDF_COLOR}" stroke-width="1.5"/>` +
        `<text x="${left + PANEL_W / 2}" y="${top + PANEL_H + 22}" font-size="13" text-anchor="middle">${d}</text>`,
    );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ${FONT}>` +
    `<rect width="100%" height="100%" fill="#fff"/>${panels.join('')}</svg>`;
  await writeSvgPng(path, svg);
}
