/**
 * The book's latent scatter (plt.scatter(z[:, 0], z[:, 1], c=labels, cmap='rainbow', alpha=0.8, s=3)):
 * 2-d latents coloured by class, with axes, ticks and a legend naming each class.
 */
import { ValueError } from '../errors.ts';
import { FONT, escapeXml, formatTick, hexColor, niceTicks, rainbow, writeSvgPng } from './png.ts';

export interface LatentScatterOptions {
  title?: string;
}

const W = 900, H = 760;
const PLOT = { left: 80, top: 50, right: 900 - 200, bottom: 760 - 70 };

/** Pixel position of a data point: exported so tests can find where a point was drawn. */
export interface ScatterGeometry {
  toPixel(x: number, y: number): [number, number];
  xTicks: number[];
  yTicks: number[];
}

/** Axis ranges from the finite points, widened by 5% and to whole ticks. */
export function scatterGeometry(points: Float32Array): ScatterGeometry {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i], y = points[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (x0 > x1) { x0 = -1; x1 = 1; y0 = -1; y1 = 1; }
  const widen = (lo: number, hi: number): [number, number] => {
    const span = hi - lo || Math.max(1, Math.abs(lo));
    return [lo - span * 0.05, hi + span * 0.05];
  };
  [x0, x1] = widen(x0, x1);
  [y0, y1] = widen(y0, y1);
  const sx = (PLOT.right - PLOT.left) / (x1 - x0), sy = (PLOT.bottom - PLOT.top) / (y1 - y0);
  return {
    toPixel: (x, y) => [PLOT.left + (x - x0) * sx, PLOT.bottom - (y - y0) * sy],
    xTicks: niceTicks(x0, x1),
    yTicks: niceTicks(y0, y1),
  };
}

/** The colour of class `label` out of `classes`, as the book's rainbow colour map gives it. */
export function classColor(label: number, classes: number): [number, number, number] {
  return rainbow(classes > 1 ? label / (classes - 1) : 0);
}

export async function writeLatentScatter(
  path: string,
  points: Float32Array,
  labels: Int32Array,
  labelNames: string[],
  options: LatentScatterOptions = {},
): Promise<void> {
  if (points.length % 2 !== 0) throw new ValueError(`points must hold x, y pairs: received ${points.length} values`);
  const n = points.length / 2;
  if (labels.length !== n) throw new ValueError(`${labels.length} labels for ${n} points: they must match`);
  const classes = labelNames.length;
  for (let i = 0; i < n; i++) {
    if (!(labels[i] >= 0 && labels[i] < classes)) {
      throw new ValueError(`label ${labels[i]} of point ${i} is outside 0-${classes - 1} (${classes} label names)`);
    }
  }
  const g = scatterGeometry(points);
  const parts: string[] = [];
  let skipped = 0;
  // The book's s=3 markers suit thousands of points; a small set gets larger dots to stay visible.
  const radius = n > 2000 ? 2 : 3;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) { skipped++; continue; }
    const [px, py] = g.toPixel(x, y);
    parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${radius}" fill="${hexColor(classColor(labels[i], classes))}"/>`);
  }
  const axes: string[] = [
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#000" stroke-width="1"/>`,
  ];
  for (const t of g.xTicks) {
    const [px] = g.toPixel(t, 0);
    if (px < PLOT.left - 0.5 || px > PLOT.right + 0.5) continue;
    axes.push(`<line x1="${px}" y1="${PLOT.bottom}" x2="${px}" y2="${PLOT.bottom + 6}" stroke="#000"/>`);
    axes.push(`<text x="${px}" y="${PLOT.bottom + 22}" font-size="13" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of g.yTicks) {
    const [, py] = g.toPixel(0, t);
    if (py < PLOT.top - 0.5 || py > PLOT.bottom + 0.5) continue;
    axes.push(`<line x1="${PLOT.left - 6}" y1="${py}" x2="${PLOT.left}" y2="${py}" stroke="#000"/>`);
    axes.push(`<text x="${PLOT.left - 10}" y="${py}" font-size="13" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  const midX = (PLOT.left + PLOT.right) / 2, midY = (PLOT.top + PLOT.bottom) / 2;
  axes.push(`<text x="${midX}" y="${PLOT.bottom + 50}" font-size="15" text-anchor="middle">z[0]</text>`);
  axes.push(`<text x="22" y="${midY}" font-size="15" text-anchor="middle" transform="rotate(-90 22 ${midY})">z[1]</text>`);
  const title = (options.title ?? `Latent space (${n - skipped} points)`) + (skipped ? ` - ${skipped} non-finite points omitted` : '');
  axes.push(`<text x="${midX}" y="30" font-size="17" text-anchor="middle">${escapeXml(title)}</text>`);
  const legend = labelNames
    .map((name, k) => {
      const y = PLOT.top + 12 + k * 24;
      return `<circle cx="${PLOT.right + 28}" cy="${y}" r="6" fill="${hexColor(classColor(k, classes))}"/>` +
        `<text x="${PLOT.right + 42}" y="${y}" font-size="14" dominant-baseline="middle">${escapeXml(name)}</text>`;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" ${FONT}>` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<g opacity="0.8">${parts.join('')}</g>${axes.join('')}${legend}</svg>`;
  await writeSvgPng(path, svg);
}
