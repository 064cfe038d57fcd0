/**
 * The 2-d latent plane: the test-set scatter coloured by label; the point under the pointer is
 * decoded live; click pins morph endpoints. Beside it, the decoded image; below, a legend.
 */
import { h } from './dom.ts';
import { drawImage, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import { labelColor } from './palette.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel, Extent } from './model-types.ts';

const PLANE_PX = 420;

export interface PlaneView {
  readonly element: HTMLElement;
  readonly extent: Extent;
  /** Decode and show a latent point (also used for the first image). */
  show(z: [number, number]): void;
  /** Mark morph endpoints on the plane. */
  setPins(a: number[] | undefined, b: number[] | undefined): void;
}

export function planeExtent(model: ExplorerModel): Extent {
  const pts = model.latents?.points ?? [];
  if (pts.length === 0) return { x0: -3, x1: 3, y0: -3, y1: 3 };
  // 0.5th..99.5th percentile, so a few outliers do not shrink the cloud to a dot.
  const xs = pts.map((p) => p[0]).sort((a, b) => a - b);
  const ys = pts.map((p) => p[1]).sort((a, b) => a - b);
  const q = (arr: number[], f: number) => arr[Math.min(arr.length - 1, Math.max(0, Math.round(f * (arr.length - 1))))];
  const x0 = q(xs, 0.005), x1 = q(xs, 0.995), y0 = q(ys, 0.005), y1 = q(ys, 0.995);
  // Square (same span on both axes, so the plane is undistorted), centred on the cloud.
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const half = (Math.max(x1 - x0, y1 - y0, 1e-3) / 2) * 1.08;
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

export function createPlaneView(
  model: ExplorerModel,
  emit: Emit,
  onPick: (z: [number, number]) => void,
  onFirstImage: () => void,
): PlaneView {
  const extent = planeExtent(model);
  const shape = model.manifest.imageShape;
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const scatter = h('canvas', { class: 'plane', 'data-testid': 'plane', width: PLANE_PX * dpr, height: PLANE_PX * dpr });
  const overlay = h('canvas', { class: 'plane-overlay', width: PLANE_PX * dpr, height: PLANE_PX * dpr, role: 'img', 'aria-label': 'latent plane: move the pointer to decode a point, click to pin morph endpoints' });
  const output = imageCanvas(shape, 'plane-output', 'img big');
  const coords = h('div', { class: 'coords', 'data-testid': 'plane-coords' }, 'z = (0.00, 0.00)');
  const timing = h('div', { class: 'muted small' }, '');
  const labelNames = model.latents?.labelNames ?? model.manifest.labelNames ?? [];
  const legend = h(
    'div',
    { class: 'legend' },
    ...labelNames.map((name, i) => h('span', { class: 'legend-item' }, h('i', { style: `background:${labelColor(i)}` }), name)),
  );

  let cursor: [number, number] = [0, 0];
  let pins: (number[] | undefined)[] = [undefined, undefined];

  const toPx = (x: number, y: number): [number, number] => [
    ((x - extent.x0) / (extent.x1 - extent.x0)) * PLANE_PX * dpr,
    ((extent.y1 - y) / (extent.y1 - extent.y0)) * PLANE_PX * dpr,
  ];
  const toZ = (ev: PointerEvent | MouseEvent): [number, number] => {
    const r = overlay.getBoundingClientRect();
    const fx = (ev.clientX - r.left) / r.width;
    const fy = (ev.clientY - r.top) / r.height;
    return [extent.x0 + fx * (extent.x1 - extent.x0), extent.y1 - fy * (extent.y1 - extent.y0)];
  };

  drawScatter();
  drawOverlay();

  let first = true;
  const decoder = new LatestOnly<[number, number]>(
    async (z) => {
      const t0 = performance.now();
      const images = await model.decode(Float32Array.from(z), 1);
      drawImage(output, images, 0, shape);
      const ms = performance.now() - t0;
      if (first) {
        first = false;
        onFirstImage();
      }
      timing.textContent = `decoded in ${ms.toFixed(1)} ms`;
      emit('latent-decoded', { view: 'plane', ms, z: [...z] });
    },
    (e) => emit('latent-error', { message: `plane decode failed: ${(e as Error).message ?? e}` }),
  );

  const move = (z: [number, number]) => {
    cursor = z;
    coords.textContent = `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
    drawOverlay();
    decoder.request(z);
  };
  overlay.addEventListener('pointermove', (ev) => move(toZ(ev)));
  overlay.addEventListener('pointerdown', (ev) => {
    const z = toZ(ev);
    move(z);
    onPick(z);
  });

  function drawScatter(): void {
    const ctx = scatter.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#0f1420';
    ctx.fillRect(0, 0, scatter.width, scatter.height);
    // Axes through the origin, for orientation.
    ctx.strokeStyle = 'rgba(255,255,255,0.12)';
    ctx.lineWidth = 1 * dpr;
    const [ox, oy] = toPx(0, 0);
    ctx.beginPath();
    ctx.moveTo(ox, 0); ctx.lineTo(ox, scatter.height);
    ctx.moveTo(0, oy); ctx.lineTo(scatter.width, oy);
    ctx.stroke();
    ctx.globalAlpha = 0.8;
    const r = 2.2 * dpr;
    for (const [x, y, label] of model.latents?.points ?? []) {
      const [px, py] = toPx(x, y);
      ctx.fillStyle = labelColor(label);
      ctx.fillRect(px - r / 2, py - r / 2, r, r);
    }
    ctx.globalAlpha = 1;
  }

  function drawOverlay(): void {
    const ctx = overlay.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    pins.forEach((p, i) => {
      if (!p) return;
      const [px, py] = toPx(p[0], p[1]);
      ctx.fillStyle = i === 0 ? '#ffd166' : '#06d6a0';
      ctx.beginPath();
      ctx.arc(px, py, 6 * dpr, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#0f1420';
      ctx.font = `bold ${9 * dpr}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(i === 0 ? 'A' : 'B', px, py + 0.5 * dpr);
    });
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

  const element = h(
    'section',
    { class: 'card span2' },
    h('h2', {}, 'Latent plane'),
    h('p', { class: 'muted' }, 'Test-set images encoded to 2-d, coloured by label. Move over the plane to decode that point; click to pin morph endpoints.'),
    h(
      'div',
      { class: 'plane-row' },
      h('div', { class: 'plane-wrap' }, scatter, overlay),
      h('div', { class: 'plane-side' }, output, coords, timing),
    ),
    legend,
  );

  return {
    element,
    extent,
    show: (z) => move(z),
    setPins(a, b) {
      pins = [a, b];
      drawOverlay();
    },
  };
}
