/** Morph: a slider walks the straight line between two latent points A and B (the book's morph_faces). */
import { h, slider } from './dom.ts';
import { drawImage, drawMosaic, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel } from './model-types.ts';

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

  const one = new LatestOnly<number>(
    async (f) => {
      const [a, b] = endpoints;
      if (!a || !b) return;
      const t0 = performance.now();
      const images = await model.morph(a, b, [f]);
      drawImage(output, images, 0, shape);
      const ms = performance.now() - t0;
      timing.textContent = `decoded in ${ms.toFixed(1)} ms`;
      const z = Array.from(a, (v, i) => v * (1 - f) + b[i] * f);
      emit('latent-decoded', { view: 'morph', ms, t: f, ...(z.length <= 8 ? { z } : {}) });
    },
    (e) => emit('latent-error', { message: `morph failed: ${(e as Error).message ?? e}` }),
  );

  const redrawAll = async () => {
    const [a, b] = endpoints;
    if (!a || !b) return;
    const fractions = Array.from({ length: STRIP }, (_, i) => i / (STRIP - 1));
    try {
      const t0 = performance.now();
      const images = await model.morph(a, b, fractions);
      const size = shape[0] * shape[1] * shape[2];
      drawImage(thumbA, images, 0, shape);
      drawImage(thumbB, images, STRIP - 1, shape);
      drawMosaic(strip, images.subarray(0, STRIP * size), 1, STRIP, shape);
      emit('latent-decoded', { view: 'morph-strip', ms: performance.now() - t0 });
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
    h('h2', {}, 'Morph'),
    h('p', { class: 'muted' }, 'Decodes z = (1 − t)·A + t·B. Pick A and B on the plane or from the samples.'),
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
