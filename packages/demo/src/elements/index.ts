/**
 * ESM entry of the custom elements. Importing it defines <latent-explorer> and <latent-sample>
 * (once; a second copy on the page is a no-op). Built standalone as elements/latent-elements.js.
 */
import { LatentExplorerElement } from './latent-explorer.ts';
import { LatentSampleElement } from './latent-sample.ts';

export { LatentExplorerElement, LatentSampleElement };
export { setOrtBase } from '../model/runtime-setup.ts';
export type { DecodedDetail, ReadyDetail, FirstImageDetail } from '../explorer/events.ts';

if (!customElements.get('latent-explorer')) customElements.define('latent-explorer', LatentExplorerElement);
if (!customElements.get('latent-sample')) customElements.define('latent-sample', LatentSampleElement);

declare global {
  interface HTMLElementTagNameMap {
    'latent-explorer': LatentExplorerElement;
    'latent-sample': LatentSampleElement;
  }
}
