/**
 * <latent-sample src=".../bundle" count="8" temperature="1" seed="1" device="auto" controls class="Sneaker">
 *
 * A strip of random samples from a bundle; `controls` adds re-roll and temperature. `class` (a class
 * name or index) picks what a conditional VAE generates (default its first class); on an
 * unconditional bundle, or with an unknown name, the element shows the error (latent-error) naming
 * the valid classes. Attributes in, events out (latent-ready, latent-first-image, latent-decoded,
 * latent-error); `reroll()` draws again.
 */
import { modelLabel } from '@latentkit/format';
import { h } from '../explorer/dom.ts';
import { describeBackend } from '../explorer/explorer.ts';
import { EXPLORER_CSS } from '../explorer/styles.ts';
import { createSamplesView, type SamplesView } from '../explorer/samples-view.ts';
import { loadExplorerModel, type DemoDevice } from '../model/load-bundle.ts';
import { classIndex } from '@latentkit/runtime/web';
import { dispatcher } from './dispatch.ts';

const SAMPLE_CSS = `.root { padding: 10px; } .card { padding: 10px; } .tiles { grid-template-columns: repeat(var(--cols, 4), 1fr); }
.bar { margin-bottom: 8px; } .controls { margin: 8px 0 0; }`;

export class LatentSampleElement extends HTMLElement {
  static observedAttributes = ['src', 'device', 'count', 'columns', 'temperature', 'seed', 'controls', 'precision', 'class'];
  private generation = 0;
  private view: SamplesView | undefined;

  connectedCallback(): void {
    this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    void this.render();
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (old !== value && this.isConnected && this.shadowRoot) void this.render();
  }

  /** Draw a new set of samples (the same as pressing re-roll). */
  reroll(): void {
    this.shadowRoot?.querySelector<HTMLButtonElement>('[data-testid=reroll]')?.click();
  }

  private async render(): Promise<void> {
    const generation = ++this.generation;
    const live = () => generation === this.generation;
    const emit = dispatcher(this, live);
    const root = this.shadowRoot as ShadowRoot;
    const src = this.getAttribute('src');
    if (!src) {
      root.innerHTML = '<p style="font:14px system-ui;color:#888">&lt;latent-sample&gt; needs a <code>src</code> attribute: the URL of a model bundle folder.</p>';
      return;
    }
    const count = clampInt(this.getAttribute('count'), 8, 1, 64);
    const temperature = Number(this.getAttribute('temperature') ?? 1);
    const body = h('div', { class: 'root' }, h('div', { class: 'loading' }, h('div', { class: 'spinner' }), 'Loading model…'));
    root.replaceChildren(h('style', {}, EXPLORER_CSS + SAMPLE_CSS), body);
    try {
      const loaded = await loadExplorerModel(src, (this.getAttribute('device') ?? 'auto') as DemoDevice, this.getAttribute('precision') ?? undefined);
      if (!live()) return;
      const wanted = this.getAttribute('class');
      // This element's own class choice (the loaded bundle may be shared with other elements).
      const model = wanted === null ? loaded.withClass(0) : loaded.withClass(classIndex(loaded.classes, wanted));
      let first = true;
      this.view = createSamplesView(model, emit, {
        count,
        temperature: Number.isFinite(temperature) ? temperature : 1,
        seed: clampInt(this.getAttribute('seed'), 1, 0, 2 ** 31 - 1),
        controls: this.hasAttribute('controls'),
        onFirstImage: () => {
          if (!first) return;
          first = false;
          emit('latent-first-image', { sinceNavigationMs: performance.now(), provider: model.backend.provider });
        },
      });
      this.view.element.style.setProperty('--cols', String(Math.min(count, clampInt(this.getAttribute('columns'), 4, 1, 16))));
      const chip = h('span', { class: `chip backend ${model.backend.provider}`, 'data-testid': 'backend' }, describeBackend(model));
      const classChip = model.classes ? h('span', { class: 'chip', 'data-testid': 'class' }, model.classes[model.classIndex]!) : null;
      body.replaceChildren(h('div', { class: 'bar' }, chip, h('span', { class: 'chip' }, `${modelLabel(model.manifest)} · ${model.manifest.latentDim}-d`), classChip), this.view.element);
      if (!this.hasAttribute('controls')) this.view.element.querySelector('.controls')?.setAttribute('hidden', '');
      this.view.render();
      emit('latent-ready', {
        src: model.src,
        provider: model.backend.provider,
        threads: model.backend.threads,
        crossOriginIsolated: model.backend.crossOriginIsolated,
        kind: modelLabel(model.manifest),
        latentDim: model.manifest.latentDim,
        precision: model.precision,
        loadMs: model.loadMs,
        bytesFromCache: model.bytesFromCache,
        bytesFromNetwork: model.bytesFromNetwork,
      });
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      body.replaceChildren(h('div', { class: 'error', 'data-testid': 'error' }, `Could not load the model.\n\n${message}`));
      emit('latent-error', { message });
    }
  }
}

function clampInt(v: string | null, fallback: number, lo: number, hi: number): number {
  const n = v === null ? NaN : Math.trunc(Number(v));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}
