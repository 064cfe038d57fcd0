/** Random samples z ~ N(0, T^2): re-roll, temperature; click a tile to make it a morph endpoint. */
import { h, slider } from './dom.ts';
import { drawImage, imageCanvas } from './image-canvas.ts';
import { LatestOnly } from './latest-only.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel } from './model-types.ts';

export interface SamplesView {
  readonly element: HTMLElement;
  render(): void;
  /** The latent vector of tile i from the last render. */
  latent(i: number): Float32Array | undefined;
}

export interface SamplesOptions {
  count: number;
  temperature: number;
  seed: number;
  controls: boolean;
  onPick?: (z: Float32Array, index: number) => void;
  onFirstImage?: () => void;
}

export function createSamplesView(model: ExplorerModel, emit: Emit, opts: SamplesOptions): SamplesView {
  const shape = model.manifest.imageShape;
  const dim = model.manifest.latentDim;
  const tiles = Array.from({ length: opts.count }, (_, i) => {
    const c = imageCanvas(shape, `sample-${i}`, 'img tile');
    if (opts.onPick) {
      c.title = 'Use as morph endpoint';
      c.addEventListener('click', () => {
        const z = latents?.subarray(i * dim, (i + 1) * dim);
        if (z) opts.onPick?.(Float32Array.from(z), i);
      });
    }
    return c;
  });
  let seed = opts.seed;
  let latents: Float32Array | undefined;
  let first = true;
  const temp = slider({ min: 0, max: 2, step: 0.05, value: opts.temperature, label: 'temperature', testid: 'temperature' });
  const tempLabel = h('span', { class: 'value' }, opts.temperature.toFixed(2));
  const status = h('span', { class: 'muted small' }, '');

  const job = new LatestOnly<{ seed: number; temperature: number }>(
    async (req) => {
      const t0 = performance.now();
      const { z, images } = await model.sample(opts.count, req.temperature, req.seed);
      latents = z;
      tiles.forEach((c, i) => drawImage(c, images, i, shape));
      const ms = performance.now() - t0;
      status.textContent = `${opts.count} samples in ${ms.toFixed(0)} ms`;
      if (first) {
        first = false;
        opts.onFirstImage?.();
      }
      emit('latent-decoded', { view: 'samples', ms });
    },
    (e) => emit('latent-error', { message: `sampling failed: ${(e as Error).message ?? e}` }),
  );
  const render = () => job.request({ seed, temperature: Number(temp.value) });
  temp.addEventListener('input', () => {
    tempLabel.textContent = Number(temp.value).toFixed(2);
    render();
  });
  const reroll = h('button', { type: 'button', 'data-testid': 'reroll', onclick: () => { seed++; render(); } }, '⟳ Re-roll');

  const element = h(
    'section',
    { class: 'card' },
    opts.controls ? h('h2', {}, 'Random samples') : null,
    opts.controls ? h('p', { class: 'muted' }, `z drawn from N(0, T²) in ${dim} dimensions${opts.onPick ? '; click one to morph from/to it' : ''}.`) : null,
    h('div', { class: 'tiles' }, ...tiles),
    h(
      'div',
      { class: 'controls' },
      reroll,
      h('label', { class: 'slider' }, 'temperature', temp, tempLabel),
      status,
    ),
  );
  return { element, render, latent: (i) => latents && Float32Array.from(latents.subarray(i * dim, (i + 1) * dim)) };
}
