/**
 * The whole explorer UI for one bundle, mounted into a shadow root. Used by <latent-explorer> and
 * by the demo site (which is just a page around that element). Views appear by model kind:
 * 2-d models get the plane and the grid; larger latents get the principal-component plane and sliders
 * when latents.json has `pca` (written by `pnpm export`); every model gets samples and morph (linear
 * or slerp); the faces VAE gets attribute sliders when the bundle has attributes.json; a conditional
 * VAE gets a class picker (every view then decodes in the picked class) and a class x sample grid.
 */
import { modelLabel } from '@latentkit/format';
import { h } from './dom.ts';
import { EXPLORER_CSS } from './styles.ts';
import { createPlaneView } from './plane-view.ts';
import { createGridView } from './grid-view.ts';
import { createSamplesView } from './samples-view.ts';
import { createMorphView } from './morph-view.ts';
import { createAttributesView } from './attributes-view.ts';
import { createPcPlaneView } from './pc-plane-view.ts';
import { createClassGridView, createClassPicker } from './class-view.ts';
import type { Emit } from './events.ts';
import type { ExplorerModel } from './model-types.ts';

export interface MountOptions {
  /** Resolves the bundle into a model (src/model/load-bundle.ts; injected so the UI stays model-free). */
  load: () => Promise<ExplorerModel>;
  emit: Emit;
  seed?: number;
}

export function describeBackend(m: ExplorerModel): string {
  const b = m.backend;
  if (b.provider === 'webgpu') return 'WebGPU';
  return `wasm · ${b.threads} thread${b.threads === 1 ? '' : 's'}`;
}

export async function mountExplorer(root: ShadowRoot, options: MountOptions): Promise<ExplorerModel | undefined> {
  const style = h('style', {}, EXPLORER_CSS);
  const body = h('div', { class: 'root' }, h('div', { class: 'loading' }, h('div', { class: 'spinner' }), 'Loading model…'));
  root.replaceChildren(style, body);
  let model: ExplorerModel;
  try {
    // A copy with its own class choice: other elements may share the loaded bundle.
    model = (await options.load()).withClass(0);
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    body.replaceChildren(h('div', { class: 'error', 'data-testid': 'error' }, `Could not load the model.\n\n${message}`));
    options.emit('latent-error', { message });
    return undefined;
  }
  const m = model.manifest;
  const seed = options.seed ?? 1;
  let firstDone = false;
  const firstImage = () => {
    if (firstDone) return;
    firstDone = true;
    options.emit('latent-first-image', { sinceNavigationMs: performance.now(), provider: model.backend.provider });
  };

  const mb = (n: number) => (n / 1e6).toFixed(1);
  const bar = h(
    'div',
    { class: 'bar' },
    h('h1', {}, 'Latent explorer'),
    h('span', { class: `chip backend ${model.backend.provider}`, 'data-testid': 'backend' }, describeBackend(model)),
    h('span', { class: 'chip', 'data-testid': 'model-info' }, h('b', {}, modelLabel(m)), ` · ${m.latentDim}-d latent · ${m.imageShape.join('×')} · ${model.precision}`),
    m.data ? h('span', { class: 'chip' }, `${m.data.name}${m.epochs !== undefined ? ` · ${m.epochs} epochs` : ''}`) : null,
    h(
      'span',
      { class: 'chip', 'data-testid': 'load-info' },
      `loaded in ${model.loadMs.toFixed(0)} ms · ${model.bytesFromNetwork > 0 ? `${mb(model.bytesFromNetwork)} MB fetched` : 'all from cache'}${model.bytesFromCache > 0 ? ` · ${mb(model.bytesFromCache)} MB cached` : ''}`,
    ),
  );

  const morph = createMorphView(model, options.emit);
  const cards: HTMLElement[] = [];
  let afterFirst: (() => void)[] = [];

  // Picks from the plane and from the samples alternate: A, B, A, ...
  let nextPin: 0 | 1 = 0;
  let showPins: () => void = () => {};
  const pick = (z: Float32Array) => {
    morph.setEndpoint(nextPin, z);
    nextPin = nextPin === 0 ? 1 : 0;
    showPins();
  };

  // Views that decode, re-rendered when a conditional model's class changes.
  const rerender: (() => void)[] = [];
  if (m.latentDim === 2) {
    const plane = createPlaneView(model, options.emit, (z) => pick(Float32Array.from(z)), firstImage);
    showPins = () => plane.setPins(morph.endpoints[0] && [...morph.endpoints[0]], morph.endpoints[1] && [...morph.endpoints[1]]);
    const grid = createGridView(model, plane.extent, options.emit);
    cards.push(plane.element, grid.element);
    const [a, b] = defaultEndpoints(model);
    plane.setPins(a, b);
    plane.show([0, 0]);
    afterFirst = [() => morph.setEndpoints(Float32Array.from(a), Float32Array.from(b)), () => void grid.render()];
    rerender.push(() => plane.show([0, 0]), () => void grid.render());
  }
  const pca = m.latentDim > 2 ? model.latents?.pca : undefined;
  if (pca && pca.components.length >= 2) {
    const pcPlane = createPcPlaneView(model, pca, options.emit, pick, firstImage);
    cards.push(pcPlane.element);
    afterFirst.push(() => pcPlane.show([0, 0]));
    rerender.push(() => pcPlane.show([0, 0]));
  }
  const samples = createSamplesView(model, options.emit, {
    count: 8,
    temperature: 1,
    seed,
    controls: true,
    onPick: pick,
    onFirstImage: () => {
      firstImage();
      if (m.latentDim !== 2) {
        const a = samples.latent(0), b = samples.latent(1);
        if (a && b) morph.setEndpoints(a, b);
      }
    },
  });
  cards.push(samples.element, morph.element);
  rerender.push(samples.render, () => {
    const [a, b] = morph.endpoints;
    if (a && b) morph.setEndpoints(a, b);
  });
  if (model.classes) {
    const classGrid = createClassGridView(model, options.emit, { perClass: 8, seed: seed + 200 });
    const picker = createClassPicker(model, () => rerender.forEach((f) => f()));
    cards.unshift(picker.element);
    cards.push(classGrid.element);
    afterFirst.push(() => void classGrid.render());
  }
  if (model.attributes && Object.keys(model.attributes).length > 0) {
    const attrs = createAttributesView(model, options.emit, seed + 100);
    cards.push(attrs.element);
    afterFirst.push(attrs.render);
  }
  body.replaceChildren(bar, h('div', { class: 'cards' }, ...cards));
  samples.render();
  // Work beyond the first image waits a frame so it does not delay time-to-first-image.
  requestAnimationFrame(() => afterFirst.forEach((f) => f()));

  options.emit('latent-ready', {
    src: model.src,
    provider: model.backend.provider,
    threads: model.backend.threads,
    crossOriginIsolated: model.backend.crossOriginIsolated,
    kind: modelLabel(m),
    latentDim: m.latentDim,
    precision: model.precision,
    loadMs: model.loadMs,
    bytesFromCache: model.bytesFromCache,
    bytesFromNetwork: model.bytesFromNetwork,
  });
  return model;
}

/** Morph endpoints for a 2-d model: the centroids of the two labels that lie farthest apart. */
function defaultEndpoints(model: ExplorerModel): [number[], number[]] {
  const pts = model.latents?.points ?? [];
  const sums = new Map<number, [number, number, number]>();
  for (const [x, y, l] of pts) {
    const s = sums.get(l) ?? [0, 0, 0];
    s[0] += x; s[1] += y; s[2]++;
    sums.set(l, s);
  }
  const c = [...sums.values()].map(([x, y, n]) => [x / n, y / n]);
  if (c.length < 2) return [[-1.5, -1], [1.5, 1]];
  let best: [number[], number[]] = [c[0], c[1]];
  let bestD = -1;
  for (let i = 0; i < c.length; i++) {
    for (let j = i + 1; j < c.length; j++) {
      const d = (c[i][0] - c[j][0]) ** 2 + (c[i][1] - c[j][1]) ** 2;
      if (d > bestD) { bestD = d; best = [c[i], c[j]]; }
    }
  }
  return best;
}
