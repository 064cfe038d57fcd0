/**
 * The 2-d latent plane: the test-set scatter coloured by label; the point under the pointer is
 * decoded live; click pins morph endpoints. Beside it, the decoded image; below, a legend.
 */
import { h } from './dom.ts';
import { createPlaneCanvas, scatterExtent } from './plane-canvas.ts';
import { labelColor } from './palette.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel, Extent } from './model-types.ts';

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
  return scatterExtent(pts);
}

export function createPlaneView(
  model: ExplorerModel,
  emit: Emit,
  onPick: (z: [number, number]) => void,
  onFirstImage: () => void,
): PlaneView {
  const extent = planeExtent(model);
  // The plane is the latent space itself: its coordinates are z.
  const plane = createPlaneCanvas(model, emit, {
    testid: 'plane',
    ariaLabel: 'latent plane: move the pointer to decode a point, click to pin morph endpoints',
    extent,
    points: model.latents?.points ?? [],
    pointAlpha: 0.8,
    caption: (z) => `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`,
    latentAt: (z) => Float32Array.from(z),
    decoded: (z, _latent, ms) => ({ view: 'plane', ms, z: [...z] }),
    errorName: 'plane',
    onPick,
    onFirstImage,
  });
  const labelNames = model.latents?.labelNames ?? model.manifest.labelNames ?? [];
  const legend = h(
    'div',
    { class: 'legend' },
    ...labelNames.map((name, i) => h('span', { class: 'legend-item' }, h('i', { style: `background:${labelColor(i)}` }), name)),
  );

  const element = h(
    'section',
    { class: 'card span2' },
    h('h2', {}, 'Latent plane'),
    h('p', { class: 'muted' }, 'Test-set images encoded to 2-d, coloured by label. Move over the plane to decode that point; click to pin morph endpoints.'),
    plane.row,
    legend,
  );

  return { element, extent, show: plane.move, setPins: plane.setPins };
}
