/**
 * Faces VAE: one slider per stored attribute vector (attributes.json); the face shown is
 * decode(z + sum of amount x vector), the book's add_vector_to_images made interactive.
 */
import { h, slider } from './dom.ts';
import { drawImage, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel } from './model-types.ts';

export function createAttributesView(model: ExplorerModel, emit: Emit, seed: number): { element: HTMLElement; render(): void } {
  const shape = model.manifest.imageShape;
  const names = Object.keys(model.attributes ?? {});
  const output = imageCanvas(shape, 'attributes-output', 'img big');
  const timing = h('span', { class: 'muted small' }, '');
  const amounts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let base: Float32Array | undefined;
  let baseSeed = seed;

  const job = new LatestOnly<void>(
    async () => {
      if (!base) base = (await model.sample(1, 1, baseSeed)).z;
      const t0 = performance.now();
      const images = await model.applyAttributes(base, amounts);
      drawImage(output, images, 0, shape);
      const ms = performance.now() - t0;
      timing.textContent = `decoded in ${ms.toFixed(1)} ms`;
      emit('latent-decoded', { view: 'attributes', ms });
    },
    (e) => emit('latent-error', { message: `attribute decode failed: ${(e as Error).message ?? e}` }),
  );
  const render = () => job.request();

  const rows = names.map((name) => {
    const s = slider({ min: -4, max: 4, step: 0.1, value: 0, label: name, testid: `attr-${name}` });
    const v = h('span', { class: 'value' }, '0.0');
    s.addEventListener('input', () => {
      amounts[name] = Number(s.value);
      v.textContent = Number(s.value).toFixed(1);
      render();
    });
    return h('label', { class: 'slider attr' }, h('span', { class: 'attr-name' }, name.replace(/_/g, ' ')), s, v);
  });

  const element = h(
    'section',
    { class: 'card wide' },
    h('h2', {}, 'Attributes'),
    h('p', { class: 'muted' }, 'Each slider adds a multiple of an attribute vector (mean latent with the attribute minus mean without).'),
    h(
      'div',
      { class: 'attr-row' },
      h('div', {}, output, h('div', { class: 'controls' }, h('button', { type: 'button', onclick: () => { baseSeed++; base = undefined; render(); } }, '⟳ New face'), timing)),
      h('div', { class: 'attr-list' }, ...rows),
    ),
  );
  return { element, render };
}
