/** The plane as an n x n mosaic of decoded images (2-d models), like the book's latent-space grid. */
import { h } from './dom.ts';
import { drawMosaic, drawMosaicRow } from './image-canvas.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel, Extent } from './model-types.ts';

export function createGridView(model: ExplorerModel, extent: Extent, emit: Emit): { element: HTMLElement; render(): Promise<void> } {
  const canvas = h('canvas', { class: 'mosaic', 'data-testid': 'grid' });
  const size = h('select', { 'aria-label': 'grid size' }, ...[6, 10, 16, 20].map((n) => h('option', { value: n, selected: n === 10 }, `${n} x ${n}`)));
  const status = h('span', { class: 'muted small' }, '');
  let busy = false;
  const render = async () => {
    if (busy) return;
    busy = true;
    const n = Number(size.value);
    status.textContent = `decoding ${n * n} images…`;
    try {
      const t0 = performance.now();
      const images = await model.grid(n, extent, (row, rowImages) => {
        drawMosaicRow(canvas, rowImages, row, n, n, model.manifest.imageShape);
        status.textContent = `decoding ${n * n} images… row ${row + 1}/${n}`;
      });
      drawMosaic(canvas, images, n, n, model.manifest.imageShape);
      const ms = performance.now() - t0;
      status.textContent = `${n * n} images in ${ms.toFixed(0)} ms`;
      emit('latent-decoded', { view: 'grid', ms });
    } catch (e) {
      status.textContent = '';
      emit('latent-error', { message: `grid decode failed: ${(e as Error).message ?? e}` });
    } finally {
      busy = false;
    }
  };
  size.addEventListener('change', () => void render());
  const element = h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Grid'),
    h('p', { class: 'muted' }, `The plane shown on the left, x from ${extent.x0.toFixed(1)} to ${extent.x1.toFixed(1)}, y from ${extent.y0.toFixed(1)} to ${extent.y1.toFixed(1)}, decoded point by point.`),
    h('div', { class: 'controls' }, size, status),
    canvas,
  );
  return { element, render };
}
