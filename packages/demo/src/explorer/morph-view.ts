/**
 * Morph: a slider walks the path between two latent points A and B: the straight line (the book's
 * morph_faces) or, with the toggle, slerp (White 2016, the runtime's interpolate.ts), which keeps a
 * Gaussian latent's norm instead of dipping towards the origin halfway.
 */
import { h, slider } from './dom.ts';
import { drawImage, drawMosaic, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import type { Emit } from './events.ts';
import { interpolate } from '@latentkit/runtime/web';
import type { ExplorerModel, Interpolation } from './model-types.ts';

const STRIP = 9;

export interface MorphView {
  readonly element: HTMLElement;
  /** Set one endpoint (0 = A, 1 = B) and redraw. */
  setEndpoint(which: 0 | 1, z: Float32Array): void;
  /** Both endpoints at once. */
  setEndpoints(a: Float32Array, b: Float32Array): void;
  readonly endpoints: [Float32Array | undefined, Float32Array | undefined];
}

export function createMorphView(model: ExplorerModel, emit: Emit): MorphView {
  const shape = model.manifest.imageShape;
  const thumbA = imageCanvas(shape, 'morph-a', 'img thumb');
  const thumbB = imageCanvas(shape, 'morph-b', 'img thumb');
  const output = imageCanvas(shape, 'morph-output', 'img big');
  const strip = h('canvas', { class: 'strip', 'data-testid': 'morph-strip' });
  const t = slider({ min: 0, max: 1, step: 0.01, value: 0.5, label: 'morph fraction', testid: 'morph-slider' });
  const tLabel = h('span', { class: 'value' }, '0.50');
  const timing = h('span', { class: 'muted small' }, '');
  const endpoints: [Float32Array | undefined, Float32Array | undefined] = [undefined, undefined];
  let interpolation: Interpolation = 'linear';
  const FORMULAS: Record<Interpolation, string> = {
    linear: 'Decodes z = (1 − t)·A + t·B (linear). Pick A and B on the plane or from the samples.',
    slerp: 'Decodes z = sin((1 − t)θ)/sin θ·A + sin(tθ)/sin θ·B, θ the angle between A and B (slerp, White 2016). Pick A and B on the plane or from the samples.',
  };
  const formula = h('p', { class: 'muted', 'data-testid': 'morph-formula' }, FORMULAS.linear);
  const modeButtons = (['linear', 'slerp'] as const).map((mode) =>
    h('button', { type: 'button', 'data-testid': `morph-${mode}`, 'aria-pressed': mode === interpolation ? 'true' : 'false' }, mode === 'linear' ? 'Linear' : 'Slerp'),
  );
  modeButtons.forEach((button, i) =>
    button.addEventListener('click', () => {
      interpolation = i === 0 ? 'linear' : 'slerp';
      modeButtons.forEach((b, k) => b.setAttribute('aria-pressed', k === i ? 'true' : 'false'));
      formula.textContent = FORMULAS[interpolation];
      void redrawAll();
    }),
  );

  const one = new LatestOnly<number>(
    async (f) => {
      const [a, b] = endpoints;
      if (!a || !b) return;
      const t0 = performance.now();
      const images = await model.morph(a, b, [f], interpolation);
      drawImage(output, images, 0, shape);
      const ms = performance.now() - t0;
      timing.textContent = `decoded in ${ms.toFixed(1)} ms`;
      const z = interpolate(a, b, [f], interpolation);
      let norm = 0;
      for (const v of z) norm += v * v;
      emit('latent-decoded', { view: 'morph', ms, t: f, interpolation, norm: Math.sqrt(norm), ...(z.length <= 8 ? { z: Array.from(z) } : {}) });
    },
    (e) => emit('latent-error', { message: `morph failed: ${(e as Error).message ?? e}` }),
  );

  const redrawAll = async () => {
    const [a, b] = endpoints;
    if (!a || !b) return;
    const fractions = Array.from({ length: STRIP }, (_, i) => i / (STRIP - 1));
    try {
      const t0 = performance.now();
      const images = await model.morph(a, b, fractions, interpolation);
      const size = shape[0] * shape[1] * shape[2];
      drawImage(thumbA, images, 0, shape);
      drawImage(thumbB, images, STRIP - 1, shape);
      drawMosaic(strip, images.subarray(0, STRIP * size), 1, STRIP, shape);
      emit('latent-decoded', { view: 'morph-strip', ms: performance.now() - t0, interpolation });
    } catch (e) {
      emit('latent-error', { message: `morph strip failed: ${(e as Error).message ?? e}` });
    }
    one.request(Number(t.value));
  };

  t.addEventListener('input', () => {
    tLabel.textContent = Number(t.value).toFixed(2);
    one.request(Number(t.value));
  });

  const element = h(
    'section',
    { class: 'card span2' },
    h('div', { class: 'controls' }, h('h2', {}, 'Morph'), h('span', { class: 'toggle', role: 'group', 'aria-label': 'interpolation' }, ...modeButtons)),
    formula,
    h(
      'div',
      { class: 'morph-row' },
      h('figure', {}, thumbA, h('figcaption', {}, 'A')),
      h('div', { class: 'morph-mid' }, output, h('label', { class: 'slider' }, 't', t, tLabel), timing),
      h('figure', {}, thumbB, h('figcaption', {}, 'B')),
    ),
    strip,
  );

  return {
    element,
    endpoints,
    setEndpoint(which, z) {
      endpoints[which] = z;
      void redrawAll();
    },
    setEndpoints(a, b) {
      endpoints[0] = a;
      endpoints[1] = b;
      void redrawAll();
    },
  };
}
