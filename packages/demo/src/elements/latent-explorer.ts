/**
 * <latent-explorer src="https://host/runs/NAME/bundle" device="auto|webgpu|wasm" seed="1" precision="fp16">
 *
 * A thin adapter: attributes in, DOM events out. All UI lives in src/explorer, all model access in
 * src/model. Events (bubbling, composed): latent-ready, latent-first-image, latent-decoded,
 * latent-error; their `detail` types are in src/explorer/events.ts.
 */
import { mountExplorer } from '../explorer/explorer.ts';
import { loadExplorerModel, type DemoDevice } from '../model/load-bundle.ts';
import { dispatcher } from './dispatch.ts';

export class LatentExplorerElement extends HTMLElement {
  static observedAttributes = ['src', 'device', 'seed', 'precision'];
  private generation = 0;

  connectedCallback(): void {
    this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    void this.render();
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (old !== value && this.isConnected && this.shadowRoot) void this.render();
  }

  private async render(): Promise<void> {
    const generation = ++this.generation;
    const src = this.getAttribute('src');
    const emit = dispatcher(this, () => generation === this.generation);
    const root = this.shadowRoot as ShadowRoot;
    if (!src) {
      root.innerHTML = '<p style="font:14px system-ui;color:#888">&lt;latent-explorer&gt; needs a <code>src</code> attribute: the URL of a model bundle folder.</p>';
      return;
    }
    const device = (this.getAttribute('device') ?? 'auto') as DemoDevice;
    await mountExplorer(root, { load: () => loadExplorerModel(src, device, this.getAttribute('precision') ?? undefined), emit, seed: Number(this.getAttribute('seed') ?? 1) || 1 });
  }
}
