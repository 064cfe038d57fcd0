// A user's Vite app: the web runtime, and the custom elements.
import { LatentModel } from '@latentkit/runtime/web';
import '@latentkit/demo/elements';

const strip = document.getElementById('strip');
const firstImage = new Promise((resolve) => strip.addEventListener('latent-first-image', (e) => resolve(e.detail), { once: true }));
strip.addEventListener('latent-error', (e) => (window.elementError = String(e.detail?.message ?? e.detail)));

try {
  const model = await LatentModel.load(new URL('/bundle/', location.href), { device: 'wasm' });
  const { images } = await model.sample(2, { seed: 3 });
  let min = Infinity;
  let max = -Infinity;
  for (const v of images.data) (min = Math.min(min, v)), (max = Math.max(max, v));
  window.runtimeResult = { provider: model.provider, shape: images.shape, min, max };
} catch (e) {
  window.runtimeResult = { error: String(e?.stack ?? e) };
}
window.elementResult = await firstImage;
