/**
 * The principal-component plane of a latent space above 2-d: latents.json's `pca` (the encoded
 * validation set's mean, components and explained variance, computed at export). The plane spans the
 * first two components, with the encoded images' coordinates on them drawn as the scatter; the point
 * under the pointer is decoded live, as on a 2-d model's plane:
 *   z = mean + x · u_0 + y · u_1 + sum_{i >= 2} s_i · sd_i · u_i,
 * with (x, y) the plane's coordinates (latent units along u_0 and u_1), s_i the sliders of the next
 * components in standard deviations (sd_i = sqrt(explained variance)). Click pins morph endpoints.
 */
import type { LatentPca } from '@latentkit/format';
import { h, slider } from './dom.ts';
import { drawImage, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import { labelColor } from './palette.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel, Extent } from './model-types.ts';

const PLANE_PX = 420;
/** Sliders for the components after the plane's two (PC3, PC4, ...). */
const MAX_SLIDERS = 8;

const pct = (r: number) => `${(100 * r).toFixed(1)}%`;

/** The plane's square extent: the scatter's 0.5th..99.5th percentiles, or +-3 sd without a scatter. */
export function pcExtent(pca: LatentPca): Extent {
  const pts = pca.points ?? [];
  if (pts.length < 10) {
    const half = 3 * Math.sqrt(Math.max(pca.explainedVariance[0], pca.explainedVariance[1] ?? 0, 1e-6));
    return { x0: -half, x1: half, y0: -half, y1: half };
  }
  const xs = pts.map((p) => p[0]).sort((a, b) => a - b);
  const ys = pts.map((p) => p[1]).sort((a, b) => a - b);
  const q = (arr: number[], f: number) => arr[Math.min(arr.length - 1, Math.max(0, Math.round(f * (arr.length - 1))))];
  const cx = (q(xs, 0.005) + q(xs, 0.995)) / 2;
  const cy = (q(ys, 0.005) + q(ys, 0.995)) / 2;
  const half = (Math.max(q(xs, 0.995) - q(xs, 0.005), q(ys, 0.995) - q(ys, 0.005), 1e-3) / 2) * 1.08;
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

export interface PcPlaneView {
  readonly element: HTMLElement;
  /** Decode and show the point (x, y) of the plane (also used for the first image). */
  show(xy: [number, number]): void;
}

export function createPcPlaneView(model: ExplorerModel, pca: LatentPca, emit: Emit, onPick: (z: Float32Array) => void, onFirstImage: () => void): PcPlaneView {
  const d = pca.mean.length;
  const extent = pcExtent(pca);
  const shape = model.manifest.imageShape;
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const scatter = h('canvas', { class: 'plane', 'data-testid': 'pc-plane', width: PLANE_PX * dpr, height: PLANE_PX * dpr });
  const overlay = h('canvas', { class: 'plane-overlay', width: PLANE_PX * dpr, height: PLANE_PX * dpr, role: 'img', 'aria-label': 'principal-component plane: move the pointer to decode a point, click to pin morph endpoints' });
  const output = imageCanvas(shape, 'pc-plane-output', 'img big');
  const coords = h('div', { class: 'coords', 'data-testid': 'pc-plane-coords' }, 'PC1 = 0.00, PC2 = 0.00');
  const timing = h('div', { class: 'muted small' }, '');
  const sd = pca.explainedVariance.map((v) => Math.sqrt(v));
  const sliderCount = Math.min(MAX_SLIDERS, pca.components.length - 2);
  const amounts = new Float64Array(Math.max(0, sliderCount));
  let cursor: [number, number] = [0, 0];

  const latentAt = ([x, y]: [number, number]): Float32Array => {
    const z = Float32Array.from(pca.mean);
    const add = (u: number[], s: number) => {
      if (s !== 0) for (let j = 0; j < d; j++) z[j] += s * u[j];
    };
    add(pca.components[0], x);
    add(pca.components[1], y);
    amounts.forEach((s, k) => add(pca.components[k + 2], s * sd[k + 2]));
    return z;
  };
  const toPx = (x: number, y: number): [number, number] => [
    ((x - extent.x0) / (extent.x1 - extent.x0)) * PLANE_PX * dpr,
    ((extent.y1 - y) / (extent.y1 - extent.y0)) * PLANE_PX * dpr,
  ];
  const toXY = (ev: PointerEvent | MouseEvent): [number, number] => {
    const r = overlay.getBoundingClientRect();
    return [extent.x0 + ((ev.clientX - r.left) / r.width) * (extent.x1 - extent.x0), extent.y1 - ((ev.clientY - r.top) / r.height) * (extent.y1 - extent.y0)];
  };

  let first = true;
  const decoder = new LatestOnly<[number, number]>(
    async (xy) => {
      const t0 = performance.now();
      const images = await model.decode(latentAt(xy), 1);
      drawImage(output, images, 0, shape);
      const ms = performance.now() - t0;
      if (first) {
        first = false;
        onFirstImage();
      }
      timing.textContent = `decoded in ${ms.toFixed(1)} ms`;
      emit('latent-decoded', { view: 'pc-plane', ms, pc: [...xy], sliders: Array.from(amounts) });
    },
    (e) => emit('latent-error', { message: `principal-component plane decode failed: ${(e as Error).message ?? e}` }),
  );
  const move = (xy: [number, number]) => {
    cursor = xy;
    coords.textContent = `PC1 = ${xy[0].toFixed(2)}, PC2 = ${xy[1].toFixed(2)}`;
    drawOverlay();
    decoder.request(xy);
  };
  overlay.addEventListener('pointermove', (ev) => move(toXY(ev)));
  overlay.addEventListener('pointerdown', (ev) => {
    const xy = toXY(ev);
    move(xy);
    onPick(latentAt(xy));
  });

  function drawScatter(): void {
    const ctx = scatter.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#0f1420';
    ctx.fillRect(0, 0, scatter.width, scatter.height);
    ctx.strokeStyle = 'rgba(255,255,255,0.12)';
    ctx.lineWidth = dpr;
    const [ox, oy] = toPx(0, 0);
    ctx.beginPath();
    ctx.moveTo(ox, 0); ctx.lineTo(ox, scatter.height);
    ctx.moveTo(0, oy); ctx.lineTo(scatter.width, oy);
    ctx.stroke();
    ctx.globalAlpha = 0.7;
    const r = 2.2 * dpr;
    for (const [x, y, label] of pca.points ?? []) {
      const [px, py] = toPx(x, y);
      ctx.fillStyle = labelColor(label);
      ctx.fillRect(px - r / 2, py - r / 2, r, r);
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = 'rgba(230,233,239,0.75)';
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.fillText(`PC1 (${pct(pca.explainedVarianceRatio[0])}) →`, scatter.width - 6 * dpr, oy - 6 * dpr);
    ctx.save();
    ctx.translate(ox + 14 * dpr, 6 * dpr);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(`← PC2 (${pct(pca.explainedVarianceRatio[1])})`, 0, 0);
    ctx.restore();
  }

  function drawOverlay(): void {
    const ctx = overlay.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    const [cx, cy] = toPx(cursor[0], cursor[1]);
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1.5 * dpr;
    ctx.beginPath();
    ctx.arc(cx, cy, 7 * dpr, 0, Math.PI * 2);
    ctx.moveTo(cx - 12 * dpr, cy); ctx.lineTo(cx - 4 * dpr, cy);
    ctx.moveTo(cx + 4 * dpr, cy); ctx.lineTo(cx + 12 * dpr, cy);
    ctx.moveTo(cx, cy - 12 * dpr); ctx.lineTo(cx, cy - 4 * dpr);
    ctx.moveTo(cx, cy + 4 * dpr); ctx.lineTo(cx, cy + 12 * dpr);
    ctx.stroke();
  }

  drawScatter();
  drawOverlay();

  const sliders = Array.from({ length: Math.max(0, sliderCount) }, (_, k) => {
    const i = k + 2;
    const s = slider({ min: -3, max: 3, step: 0.1, value: 0, label: `principal component ${i + 1} (standard deviations)`, testid: `pc-slider-${i + 1}` });
    const v = h('span', { class: 'value' }, '0.0σ');
    s.addEventListener('input', () => {
      amounts[k] = Number(s.value);
      v.textContent = `${Number(s.value).toFixed(1)}σ`;
      decoder.request(cursor);
    });
    return h('label', { class: 'slider attr' }, h('span', { class: 'attr-name' }, `PC${i + 1} · ${pct(pca.explainedVarianceRatio[i])}`), s, v);
  });
  const shown = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  const variance = h(
    'p',
    { class: 'muted', 'data-testid': 'pc-variance' },
    `PC1 explains ${pct(pca.explainedVarianceRatio[0])} and PC2 ${pct(pca.explainedVarianceRatio[1])} of the variance of ${pca.count} encoded held-out images (the ${pca.components.length} stored components: ${pct(shown)}). ` +
      'Move over the plane to decode that point; click to pin morph endpoints; the sliders add the next components, in standard deviations.',
  );
  const element = h(
    'section',
    { class: 'card wide' },
    h('h2', {}, `Principal-component plane · ${d}-d latent`),
    variance,
    h(
      'div',
      { class: 'plane-row' },
      h('div', { class: 'plane-wrap' }, scatter, overlay),
      h('div', { class: 'plane-side' }, output, coords, timing),
      sliders.length ? h('div', { class: 'attr-list', 'data-testid': 'pc-sliders' }, ...sliders) : null,
    ),
  );
  return { element, show: (xy) => move(xy) };
}
