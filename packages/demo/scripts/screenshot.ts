/**
 * `pnpm screenshot -- --run runs/vae [--out docs/explorer.png] [--device wasm] [--class-grid docs/cvae-class-grid.png]`:
 * the README's picture. Serves the (already built, or freshly built) site with a run, hovers the
 * plane, pins morph endpoints, waits for the grid (a 2-d model), or hovers the principal-component
 * plane and switches the morph to slerp (a larger latent with latents.json's pca), and saves a
 * screenshot of the explorer; for a conditional VAE, `--class-grid FILE` also saves the class x
 * sample grid card.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { serveDemo } from '../src/server/serve-demo.ts';
import { DEFAULT_OUT_DIR } from '../src/build/vite-config.ts';
import { launchChromium } from '../test/browser.ts';
import { hoverPcPlane, hoverPlane, pinMorphEndpoints, recordEvents, setMorph, waitForEvent, waitForView } from '../test/page-helpers.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { run: { type: 'string' }, out: { type: 'string', default: 'docs/explorer.png' }, device: { type: 'string', default: 'wasm' }, 'class-grid': { type: 'string' } },
});
if (!values.run) {
  console.error('usage: pnpm screenshot -- --run runs/NAME [--out docs/explorer.png] [--device wasm|webgpu]');
  process.exit(2);
}
const server = await serveDemo({ run: values.run, port: 0, build: !existsSync(resolve(DEFAULT_OUT_DIR, 'index.html')) });
const browser = await launchChromium({ webgpu: values.device === 'webgpu' });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1180 }, deviceScaleFactor: 1 });
  await recordEvents(page);
  await page.goto(`${server.url}/?device=${values.device}`);
  await waitForEvent(page, 'latent-ready', 120_000);
  if (await page.locator('latent-explorer [data-testid="plane"]').count()) {
    await waitForView(page, 'grid', 120_000);
    await pinMorphEndpoints(page, [0.3, 0.35], [0.72, 0.68]);
    await setMorph(page, 0.4);
    await hoverPlane(page, 0.58, 0.42);
  } else if (await page.locator('latent-explorer [data-testid="pc-plane"]').count()) {
    // Latents above 2-d with latents.json's pca: the principal-component plane, hovered, and slerp morphs.
    await waitForView(page, 'pc-plane', 120_000);
    await waitForView(page, 'morph-strip', 120_000);
    await page.locator('latent-explorer [data-testid="morph-slerp"]').click();
    await setMorph(page, 0.4);
    await hoverPcPlane(page, 0.62, 0.4);
  } else {
    await waitForView(page, 'samples', 120_000);
  }
  const out = resolve(values.out);
  await page.locator('latent-explorer').screenshot({ path: out });
  console.log(`wrote ${out}`);
  if (values['class-grid']) {
    await waitForView(page, 'class-grid', 120_000);
    const grid = resolve(values['class-grid']);
    await page.locator('latent-explorer [data-testid="class-grid"]').locator('xpath=..').screenshot({ path: grid });
    console.log(`wrote ${grid}`);
  }
} finally {
  await browser.close();
  await server.close();
}
