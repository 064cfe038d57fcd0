/**
 * A plane of latent space under the pointer, shared by the 2-d latent plane (plane-view.ts) and the
 * principal-component plane (pc-plane-view.ts): the labelled scatter, the cursor and pins A/B, and
 * beside them the decoded image of the point under the pointer, its coordinates and decode time.
 * A view supplies how a plane point (x, y) becomes a latent and what each decode reports.
 */
import { h } from './dom.ts';
import { drawImage, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import { labelColor } from './palette.ts';
import type { DecodedDetail, Emit } from './events.ts';
import type { ExplorerModel, Extent } from './model-types.ts';

const PLANE_PX = 420;

export type PlanePoint = [number, number];

export interface PlaneCanvasOptions {
  /** data-testid of the scatter canvas; the output image and coordinates get `-output` and `-coords`. */
  testid: string;
  /** What the plane does, for screen readers. */
  ariaLabel: string;
  extent: Extent;
  /** `[x, y, label]` per encoded image. */
  points: readonly (readonly [number, number, number])[];
  pointAlpha: number;
  /** Text along the +x and +y axes, when the axes need naming. */
  axisLabels?: { x: string; y: string };
  /** The coordinates line under the image. */
  caption(xy: PlanePoint): string;
  latentAt(xy: PlanePoint): Float32Array;
  /** The `latent-decoded` detail, built once the image is drawn. */
  decoded(xy: PlanePoint, z: Float32Array, ms: number): DecodedDetail;
  /** Names the plane in a decode failure's message. */
  errorName: string;
  onPick(xy: PlanePoint): void;
  onFirstImage(): void;
}

export interface PlaneCanvas {
  /** The plane and, beside it, the decoded image, coordinates and timing (div.plane-row). */
  readonly row: HTMLElement;
  /** Put the cursor on (x, y) and decode there. */
  move(xy: PlanePoint): void;
  /** Decode the cursor's point again, after something latentAt reads has changed. */
  redecode(): void;
  /** Mark morph endpoints, in plane coordinates. */
  setPins(a: number[] | undefined, b: number[] | undefined): void;
}

/**
 * A square extent around the scatter's 0.5th..99.5th percentiles, so a few outliers do not shrink
 * the cloud to a dot, and with one span on both axes, so the plane is undistorted.
 */
export function scatterExtent(points: readonly (readonly number[])[]): Extent {
  const xs = points.map((p) => p[0]).sort((a, b) => a - b);
  const ys = points.map((p) => p[1]).sort((a, b) => a - b);
  const q = (arr: number[], f: number) => arr[Math.min(arr.length - 1, Math.max(0, Math.round(f * (arr.length - 1))))];
  const x0 = q(xs, 0.005), x1 = q(xs, 0.995), y0 = q(ys, 0.005), y1 = q(ys, 0.995);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const half = (Math.max(x1 - x0, y1 - y0, 1e-3) / 2) * 1.08;
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

export function createPlaneCanvas(model: ExplorerModel, emit: Emit, opts: PlaneCanvasOptions): PlaneCanvas {
  const { extent } = opts;
  const shape = model.manifest.imageShape;
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const scatter = h('canvas', { class: 'plane', 'data-testid': opts.testid, width: PLANE_PX * dpr, height: PLANE_PX * dpr });
  const overlay = h('canvas', { class: 'plane-overlay', width: PLANE_PX * dpr, height: PLANE_PX * dpr, role: 'img', 'aria-label': opts.ariaLabel });
  const output = imageCanvas(shape, `${opts.testid}-output`, 'img big');
  const coords = h('div', { class: 'coords', 'data-testid': `${opts.testid}-coords` }, opts.caption([0, 0]));
  const timing = h('div', { class: 'muted small' }, '');

  let cursor: PlanePoint = [0, 0];
  let pins: (number[] | undefined)[] = [undefined, undefined];

  const toPx = (x: number, y: number): [number, number] => [
    ((x - extent.x0) / (extent.x1 - extent.x0)) * PLANE_PX * dpr,
    ((extent.y1 - y) / (extent.y1 - extent.y0)) * PLANE_PX * dpr,
  ];
  // From the box on screen, not the canvas size: CSS scales the plane with the page.
  const toXY = (ev: PointerEvent | MouseEvent): PlanePoint => {
    const r = overlay.getBoundingClientRect();
    const fx = (ev.clientX - r.left) / r.width;
    const fy = (ev.clientY - r.top) / r.height;
    return [extent.x0 + fx * (extent.x1 - extent.x0), extent.y1 - fy * (extent.y1 - extent.y0)];
  };

  drawScatter();
  drawOverlay();

  let first = true;
  const decoder = new LatestOnly<PlanePoint>(
    async (xy) => {
      const t0 = performance.now();
      const z = opts.latentAt(xy);
      const images = await model.decode(z, 1);
      drawImage(output, images, 0, shape);
      const ms = performance.now() - t0;
      if (first) {
        first = false;
        opts.onFirstImage();
      }
      timing.textContent = `decoded in ${ms.toFixed(1)} ms`;
      emit('latent-decoded', opts.decoded(xy, z, ms));
    },
    (e) => emit('latent-error', { message: `${opts.errorName} decode failed: ${(e as Error).message ?? e}` }),
  );

  const move = (xy: PlanePoint) => {
    cursor = xy;
    coords.textContent = opts.caption(xy);
    drawOverlay();
    decoder.request(xy);
  };
  overlay.addEventListener('pointermove', (ev) => move(toXY(ev)));
  overlay.addEventListener('pointerdown', (ev) => {
    const xy = toXY(ev);
    move(xy);
    opts.onPick(xy);
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
    ctx.globalAlpha = opts.pointAlpha;
    const r = 2.2 * dpr;
    for (const [x, y, label] of opts.points) {
      const [px, py] = toPx(x, y);
      ctx.fillStyle = labelColor(label);
      ctx.fillRect(px - r / 2, py - r / 2, r, r);
    }
    ctx.globalAlpha = 1;
    if (!opts.axisLabels) return;
    ctx.fillStyle = 'rgba(230,233,239,0.75)';
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.fillText(opts.axisLabels.x, scatter.width - 6 * dpr, oy - 6 * dpr);
    ctx.save();
    ctx.translate(ox + 14 * dpr, 6 * dpr);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(opts.axisLabels.y, 0, 0);
    ctx.restore();
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

  const row = h(
    'div',
    { class: 'plane-row' },
    h('div', { class: 'plane-wrap' }, scatter, overlay),
    h('div', { class: 'plane-side' }, output, coords, timing),
  );

  return {
    row,
    move,
    redecode: () => decoder.request(cursor),
    setPins(a, b) {
      pins = [a, b];
      drawOverlay();
    },
  };
}
