/**
 * Conditional VAEs (a bundle whose manifest has spec.conditional): the class picker, which sets the
 * class every other view decodes in (ExplorerModel.classIndex), and the class x sample grid: the same
 * `perClass` latents z ~ N(0, 1) decoded in every class, one row per class, so a column keeps its z
 * (the style) and a row its class.
 */
import { h } from './dom.ts';
import { drawMosaic } from './image-canvas.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel } from './model-types.ts';

/** The class picker: a select of the model's classes; `onChange` runs after the model's class is set. */
export function createClassPicker(model: ExplorerModel, onChange: (index: number) => void): { element: HTMLElement; select: HTMLSelectElement } {
  const classes = model.classes ?? [];
  const select = h(
    'select',
    { 'aria-label': 'class', 'data-testid': 'class-picker' },
    ...classes.map((name, i) => h('option', { value: i, selected: i === model.classIndex }, `${i} · ${name}`)),
  );
  select.addEventListener('change', () => {
    model.classIndex = Number(select.value);
    onChange(model.classIndex);
  });
  const element = h(
    'section',
    { class: 'card wide' },
    h('h2', {}, 'Class'),
    h('p', { class: 'muted' }, `A conditional VAE: every image below is decoded as the class picked here (${classes.length} classes).`),
    h('div', { class: 'controls' }, h('label', {}, 'class ', select)),
  );
  return { element, select };
}

/** The class x sample grid card (module comment); `render()` decodes it. */
export function createClassGridView(model: ExplorerModel, emit: Emit, opts: { perClass: number; seed: number }): { element: HTMLElement; render(): Promise<void> } {
  const classes = model.classes ?? [];
  const canvas = h('canvas', { class: 'mosaic', 'data-testid': 'class-grid' });
  const status = h('span', { class: 'muted small' }, '');
  let seed = opts.seed;
  const render = async () => {
    try {
      const t0 = performance.now();
      const images = await model.classGrid(opts.perClass, seed);
      drawMosaic(canvas, images, classes.length, opts.perClass, model.manifest.imageShape);
      const ms = performance.now() - t0;
      status.textContent = `${classes.length * opts.perClass} images in ${ms.toFixed(0)} ms`;
      emit('latent-decoded', { view: 'class-grid', ms });
    } catch (e) {
      emit('latent-error', { message: `class grid decode failed: ${(e as Error).message ?? e}` });
    }
  };
  const reroll = h('button', { type: 'button', 'data-testid': 'class-grid-reroll', onclick: () => { seed++; void render(); } }, '⟳ Re-roll');
  const labels = h('div', { class: 'legend' }, ...classes.map((name, i) => h('span', { class: 'legend-item' }, `row ${i + 1}: ${name}`)));
  const element = h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Class × sample grid'),
    h('p', { class: 'muted' }, `Rows: the classes, top to bottom. Columns: ${opts.perClass} latents z ~ N(0, 1), each decoded in every class.`),
    h('div', { class: 'controls' }, reroll, status),
    canvas,
    labels,
  );
  return { element, render };
}
