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
import { createPlaneCanvas, scatterExtent, type PlanePoint } from './plane-canvas.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel, Extent } from './model-types.ts';

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
  return scatterExtent(pts);
}

export interface PcPlaneView {
  readonly element: HTMLElement;
  /** Decode and show the point (x, y) of the plane (also used for the first image). */
  show(xy: [number, number]): void;
}

export function createPcPlaneView(model: ExplorerModel, pca: LatentPca, emit: Emit, onPick: (z: Float32Array) => void, onFirstImage: () => void): PcPlaneView {
  const d = pca.mean.length;
  const sd = pca.explainedVariance.map((v) => Math.sqrt(v));
  const sliderCount = Math.min(MAX_SLIDERS, pca.components.length - 2);
  const amounts = new Float64Array(Math.max(0, sliderCount));

  const latentAt = ([x, y]: PlanePoint): Float32Array => {
    const z = Float32Array.from(pca.mean);
    const add = (u: number[], s: number) => {
      if (s !== 0) for (let j = 0; j < d; j++) z[j] += s * u[j];
    };
    add(pca.components[0], x);
    add(pca.components[1], y);
    amounts.forEach((s, k) => add(pca.components[k + 2], s * sd[k + 2]));
    return z;
  };
  const plane = createPlaneCanvas(model, emit, {
    testid: 'pc-plane',
    ariaLabel: 'principal-component plane: move the pointer to decode a point, click to pin morph endpoints',
    extent: pcExtent(pca),
    points: pca.points ?? [],
    pointAlpha: 0.7,
    axisLabels: { x: `PC1 (${pct(pca.explainedVarianceRatio[0])}) →`, y: `← PC2 (${pct(pca.explainedVarianceRatio[1])})` },
    caption: (xy) => `PC1 = ${xy[0].toFixed(2)}, PC2 = ${xy[1].toFixed(2)}`,
    latentAt,
    decoded: (xy, _z, ms) => ({ view: 'pc-plane', ms, pc: [...xy], sliders: Array.from(amounts) }),
    errorName: 'principal-component plane',
    onPick: (xy) => onPick(latentAt(xy)),
    onFirstImage,
  });

  const sliders = Array.from({ length: Math.max(0, sliderCount) }, (_, k) => {
    const i = k + 2;
    const s = slider({ min: -3, max: 3, step: 0.1, value: 0, label: `principal component ${i + 1} (standard deviations)`, testid: `pc-slider-${i + 1}` });
    const v = h('span', { class: 'value' }, '0.0σ');
    s.addEventListener('input', () => {
      amounts[k] = Number(s.value);
      v.textContent = `${Number(s.value).toFixed(1)}σ`;
      plane.redecode();
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
    plane.row,
  );
  // A third column of the plane's (wrapping) row, so the sliders sit beside the image they change.
  if (sliders.length) plane.row.append(h('div', { class: 'attr-list', 'data-testid': 'pc-sliders' }, ...sliders));
  return { element, show: plane.move };
}
