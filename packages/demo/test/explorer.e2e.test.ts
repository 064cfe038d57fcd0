/**
 * End-to-end: the built site and element script in Debian's headless Chromium, on freshly
 * exported models. One Vite build for the whole file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildSite } from '../src/build/build-site.ts';
import { serveDemo, type DemoServer } from '../src/server/serve-demo.ts';
import { startStaticServer } from '../src/server/static-server.ts';
import { launchChromium } from './browser.ts';
import { parseModelSpec } from '@latentkit/format';
import { FASHION_LABELS, writeFreshBundle } from './fixtures/fresh-bundle.ts';
import { ARTIFACTS, events, hoverPcPlane, hoverPlane, meanAbsDiff, pinMorphEndpoints, pixels, recordEvents, setMorph, spread, waitForEvent, waitForView } from './page-helpers.ts';
import { recordWireBytes } from './wire-bytes.ts';

let work: string;
let siteDir: string;
let vaeRun: string;
let facesRun: string;
let cvaeRun: string;
/** A model spec that is none of the book's: 48x48 RGB, latent 16 (what `pnpm train --data DIR --image-size 48 --channels 3 --latent-dim 16` trains). */
let specRun: string;
const SPEC_48 = parseModelSpec({ type: 'vae', inputShape: [48, 48, 3], latentDim: 16, encoder: { filters: [32, 64, 128] }, loss: { type: 'bce', scale: 500 } });
let server: DemoServer;
let browser: Browser;

const VIEWPORT = { width: 1280, height: 1250 };
/** Morph endpoints as fractions of the plane's box (x right, y down). */
const MORPH_A: [number, number] = [0.7, 0.3];
const MORPH_B: [number, number] = [0.8, 0.42];

async function openExplorer(url: string, b: Browser = browser): Promise<Page> {
  const page = await b.newPage({ viewport: VIEWPORT });
  await recordEvents(page);
  await page.goto(url);
  return page;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'lk-demo-e2e-'));
  siteDir = join(work, 'site');
  [vaeRun, facesRun, cvaeRun, specRun] = await Promise.all([
    writeFreshBundle(join(work, 'runs', 'vae'), 'vae', 7, 150, ['fp16']),
    writeFreshBundle(join(work, 'runs', 'faces'), 'faces-vae'),
    writeFreshBundle(join(work, 'runs', 'cvae'), 'vae', 7, 150, [], FASHION_LABELS),
    writeFreshBundle(join(work, 'runs', 'spec-48'), SPEC_48, 11, 40),
  ]);
  await buildSite(siteDir);
  server = await serveDemo({ run: vaeRun, port: 0, build: false, siteDir });
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('explorer on wasm', () => {
  test('loads a freshly exported VAE, says it runs on wasm with threads, and the pointer decodes live', async () => {
    const page = await openExplorer(`${server.url}/?device=wasm`);
    const ready = await waitForEvent(page, 'latent-ready');
    assert.equal(ready.detail.provider, 'wasm');
    assert.equal(ready.detail.crossOriginIsolated, true, 'the demo server sends COOP/COEP');
    assert.ok(Number(ready.detail.threads) > 1, `threads in use: ${ready.detail.threads}`);
    assert.match(await page.locator('latent-explorer [data-testid="backend"]').textContent() ?? '', /^wasm · \d+ threads$/);
    const first = await waitForEvent(page, 'latent-first-image');
    assert.ok(Number(first.detail.sinceNavigationMs) > 0);

    await hoverPlane(page, 0.2, 0.25);
    const a = await pixels(page, 'plane-output');
    const zb = await hoverPlane(page, 0.8, 0.7);
    const b = await pixels(page, 'plane-output');
    assert.ok(zb[0] > 0 && zb[1] < 0, `the lower right of the plane is +x, -y; got z = ${zb}`);
    assert.ok(spread(a) > 40 && spread(b) > 40, 'decoded images are not blank');
    const moved = meanAbsDiff(a, b);
    assert.ok(moved > 5, `pixels changed by ${moved.toFixed(2)} / 255 on average`);

    await waitForView(page, 'grid');
    assert.ok(spread(await pixels(page, 'grid')) > 40, 'the grid view decoded images');
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-wasm.png'), fullPage: true });
    assert.deepEqual(await events(page, 'latent-error'), []);
    await page.close();
  });

  test('the morph slider moves the image away from A step by step', async () => {
    const page = await openExplorer(`${server.url}/?device=wasm`);
    await waitForView(page, 'morph');
    // A and B pinned by clicking the plane. A short segment away from the origin: the fixture's
    // decoder is an untrained ReLU net, smooth along such a segment (a path through z = 0, where
    // every ReLU switches, need not be monotone for an untrained model).
    await pinMorphEndpoints(page, MORPH_A, MORPH_B);
    const steps = [0, 0.2, 0.4, 0.6, 0.8, 1];
    const images: number[][] = [];
    for (const t of steps) {
      await setMorph(page, t);
      images.push(await pixels(page, 'morph-output'));
    }
    const distances = images.map((p) => meanAbsDiff(p, images[0]));
    for (let i = 1; i < distances.length; i++) {
      assert.ok(distances[i] > distances[i - 1], `distance to A must grow with t: ${distances.map((d) => d.toFixed(2)).join(' < ')}`);
    }
    // The endpoints are the A and B thumbnails the view drew from the same decoder.
    assert.ok(meanAbsDiff(images[0], await pixels(page, 'morph-a')) < 1, 't = 0 shows A');
    assert.ok(meanAbsDiff(images.at(-1) as number[], await pixels(page, 'morph-b')) < 1, 't = 1 shows B');
    await page.close();
  });

  test('samples re-roll and the temperature control changes them', async () => {
    const page = await openExplorer(`${server.url}/?device=wasm`);
    await waitForView(page, 'samples');
    const before = await pixels(page, 'sample-0');
    const count = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'samples').length;
    await page.locator('latent-explorer [data-testid="reroll"]').click();
    await page.waitForFunction(
      (n) => (window as unknown as { __lk: { type: string; detail: { view?: string } }[] }).__lk.filter((e) => e.type === 'latent-decoded' && e.detail.view === 'samples').length > n,
      count,
    );
    assert.ok(meanAbsDiff(before, await pixels(page, 'sample-0')) > 2, 're-roll drew a different sample');
    await page.close();
  });

  test('a second visit loads the model from the Cache API and the wasm from the HTTP cache, not the network', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await recordEvents(page);
    await page.goto(`${server.url}/?device=wasm`);
    await waitForEvent(page, 'latent-first-image');
    const mark = server.requests.length;
    await page.goto(`${server.url}/?device=wasm&visit=2`);
    const ready = await waitForEvent(page, 'latent-ready');
    await waitForEvent(page, 'latent-first-image');
    const second = server.requests.slice(mark).map((r) => r.path);
    assert.ok(second.length > 0, 'the page itself was requested');
    assert.deepEqual(second.filter((p) => /\.(onnx|wasm)(\?|$)/.test(p)), [], `second visit fetched: ${second.join(', ')}`);
    assert.equal(ready.detail.bytesFromNetwork, 0);
    assert.ok(Number(ready.detail.bytesFromCache) > 10e6, 'the wasm binary (14 MB) came from the HTTP cache');
    assert.match(await page.locator('latent-explorer [data-testid="load-info"]').textContent() ?? '', /all from cache/);
    await context.close();
  });

  test('a first visit on wasm fetches only the CPU build of onnxruntime-web, brotli-compressed, under 5 MB over the wire', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await recordEvents(page);
    const wire = await recordWireBytes(page);
    const ortResponses: { url: string; encoding?: string; cacheControl?: string; vary?: string }[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/ort/')) {
        const h = r.headers();
        ortResponses.push({ url: r.url(), encoding: h['content-encoding'], cacheControl: h['cache-control'], vary: h['vary'] });
      }
    });
    const mark = server.requests.length;
    await page.goto(`${server.url}/?device=wasm`);
    await waitForEvent(page, 'latent-first-image');
    const paths = server.requests.slice(mark).map((r) => r.path);
    assert.deepEqual([...new Set(paths.filter((p) => /ort-wasm-simd-threaded[^/]*\.wasm/.test(p)).map((p) => p.split('/').pop()))], ['ort-wasm-simd-threaded.wasm']);
    assert.deepEqual(paths.filter((p) => /jsep|jspi|asyncify/.test(p)), [], 'no WebGPU build on the wasm path');
    const wasm = server.requests.slice(mark).find((r) => r.path.endsWith('/ort-wasm-simd-threaded.wasm'));
    assert.equal(wasm?.encoding, 'br');
    assert.ok((wasm?.bytes ?? Infinity) < 4e6, `the 14.2 MB wasm went as ${wasm?.bytes} brotli bytes`);
    const wasmResponse = ortResponses.find((r) => r.url.endsWith('.wasm'));
    assert.equal(wasmResponse?.encoding, 'br');
    assert.equal(wasmResponse?.vary, 'Accept-Encoding');
    assert.equal(wasmResponse?.cacheControl, 'public, max-age=31536000, immutable');
    assert.ok(wire.total() < 5e6, `first visit: ${(wire.total() / 1e6).toFixed(2)} MB over the wire: ${JSON.stringify(wire.byPath().slice(0, 4))}`);
    assert.deepEqual(await events(page, 'latent-error'), []);
    await context.close();
  });

  test('?precision=fp16 opens the bundle-fp16 sibling; a precision with no bundle says how to export one', async () => {
    const page = await openExplorer(`${server.url}/?device=wasm&precision=fp16`);
    const ready = await waitForEvent(page, 'latent-ready');
    assert.equal(ready.detail.precision, 'fp16');
    assert.match(String(ready.detail.src), /\/bundle-fp16\/$/);
    assert.match(await page.locator('latent-explorer [data-testid="model-info"]').textContent() ?? '', /fp16$/);
    await hoverPlane(page, 0.2, 0.25);
    const a = await pixels(page, 'plane-output');
    await hoverPlane(page, 0.8, 0.7);
    const b = await pixels(page, 'plane-output');
    assert.ok(spread(a) > 40 && meanAbsDiff(a, b) > 5, 'the fp16 decoder draws and follows the pointer');
    await page.close();

    const missing = await openExplorer(`${server.url}/?device=wasm&precision=int8`);
    const error = await waitForEvent(missing, 'latent-error');
    assert.match(
      String(error.detail.message),
      /No int8 bundle at http:.*\/bundle-int8\/ \(manifest.json: 404\)\. Export one beside the run's bundle\/: pnpm export --run runs\/NAME --precision int8 --out runs\/NAME\/bundle-int8/,
    );
    assert.match(await missing.locator('latent-explorer [data-testid="error"]').textContent() ?? '', /No int8 bundle/);
    await missing.close();
  });

  test('faces VAE: attribute sliders move the face', async () => {
    const faces = await serveDemo({ run: facesRun, port: 0, build: false, siteDir });
    try {
      const page = await openExplorer(`${faces.url}/?device=wasm`);
      await waitForView(page, 'attributes');
      const count = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'attributes').length;
      const before = await pixels(page, 'attributes-output');
      await page.evaluate(() => {
        const s = document.querySelector('latent-explorer')?.shadowRoot?.querySelector('[data-testid="attr-Smiling"]') as HTMLInputElement;
        s.value = '3';
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForFunction(
        (n) => (window as unknown as { __lk: { type: string; detail: { view?: string } }[] }).__lk.filter((e) => e.type === 'latent-decoded' && e.detail.view === 'attributes').length > n,
        count,
      );
      const afterImg = await pixels(page, 'attributes-output');
      assert.equal(afterImg.length, 64 * 64 * 4);
      assert.ok(meanAbsDiff(before, afterImg) > 2, 'adding 3 x the Smiling vector changed the face');
      assert.equal(await page.locator('latent-explorer [data-testid="plane"]').count(), 0, 'no latent plane for a 200-d model');
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-faces.png'), fullPage: true });
      await page.close();
    } finally {
      await faces.close();
    }
  });
});

describe('latent tools on wasm: principal-component plane, slerp morph', () => {
  test('faces VAE (200-d): the principal-component plane shows its explained variance, decodes on hover, and its sliders move the face', async () => {
    const faces = await serveDemo({ run: facesRun, port: 0, build: false, siteDir });
    try {
      const page = await openExplorer(`${faces.url}/?device=wasm`);
      await waitForView(page, 'pc-plane');
      const variance = (await page.locator('latent-explorer [data-testid="pc-variance"]').textContent()) ?? '';
      assert.match(variance, /^PC1 explains \d+\.\d% and PC2 \d+\.\d% of the variance of 600 encoded held-out images/);
      const pc = await hoverPcPlane(page, 0.2, 0.25);
      const a = await pixels(page, 'pc-plane-output');
      const pc2 = await hoverPcPlane(page, 0.8, 0.7);
      const b = await pixels(page, 'pc-plane-output');
      assert.ok(pc[0] < pc2[0] && pc[1] > pc2[1], `left-top is -PC1, +PC2: ${pc} then ${pc2}`);
      assert.equal(a.length, 64 * 64 * 4);
      assert.ok(spread(a) > 40 && spread(b) > 40, 'decoded faces are not blank');
      const moved = meanAbsDiff(a, b);
      assert.ok(moved > 2, `pixels changed by ${moved.toFixed(2)} / 255 on average under the pointer`);
      // A slider of the third component moves the face at the same plane point.
      const count = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'pc-plane').length;
      await page.evaluate(() => {
        const s = document.querySelector('latent-explorer')?.shadowRoot?.querySelector('[data-testid="pc-slider-3"]') as HTMLInputElement;
        s.value = '3';
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForFunction(
        (n) => (window as unknown as { __lk: { type: string; detail: { view?: string; sliders?: number[] } }[] }).__lk.filter((e) => e.type === 'latent-decoded' && e.detail.view === 'pc-plane' && e.detail.sliders?.[0] === 3).length > 0 && n >= 0,
        count,
      );
      const c = await pixels(page, 'pc-plane-output');
      assert.ok(meanAbsDiff(b, c) > 1, 'PC3 at +3 sd changed the face');
      assert.equal(await page.locator('latent-explorer [data-testid="plane"]').count(), 0, 'the 2-d plane stays for 2-d models');
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-faces-pc-plane.png'), fullPage: true });
      assert.deepEqual(await events(page, 'latent-error'), []);
      await page.close();
    } finally {
      await faces.close();
    }
  });

  test('the morph toggle switches to slerp: the strip redraws and the midpoint keeps the norm that the straight line loses', async () => {
    const faces = await serveDemo({ run: facesRun, port: 0, build: false, siteDir });
    try {
      const page = await openExplorer(`${faces.url}/?device=wasm`);
      await waitForView(page, 'morph-strip');
      const normAt = async (t: number) => {
        await setMorph(page, t);
        return (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'morph').at(-1)!.detail;
      };
      const [a, b] = [(await normAt(0)).norm!, (await normAt(1)).norm!];
      const linear = await normAt(0.5);
      assert.equal(linear.interpolation, 'linear');
      const linearPixels = await pixels(page, 'morph-output');
      const strips = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'morph-strip').length;
      await page.locator('latent-explorer [data-testid="morph-slerp"]').click();
      await page.waitForFunction(
        (n) => (window as unknown as { __lk: { type: string; detail: { view?: string; interpolation?: string } }[] }).__lk.filter((e) => e.type === 'latent-decoded' && e.detail.view === 'morph-strip' && e.detail.interpolation === 'slerp').length > 0 && n >= 0,
        strips,
      );
      assert.match((await page.locator('latent-explorer [data-testid="morph-formula"]').textContent()) ?? '', /slerp, White 2016/);
      assert.equal(await page.locator('latent-explorer [data-testid="morph-slerp"]').getAttribute('aria-pressed'), 'true');
      const slerp = await normAt(0.5);
      assert.equal(slerp.interpolation, 'slerp');
      // Two independent 200-d samples are nearly orthogonal: the chord's midpoint has ~1/sqrt 2 of their norm, the arc's keeps it.
      assert.ok(linear.norm! < 0.8 * Math.min(a, b), `linear midpoint norm ${linear.norm} vs endpoints ${a}, ${b}`);
      assert.ok(slerp.norm! > 0.95 * Math.min(a, b) && slerp.norm! < 1.05 * Math.max(a, b), `slerp midpoint norm ${slerp.norm} vs endpoints ${a}, ${b}`);
      assert.ok(meanAbsDiff(linearPixels, await pixels(page, 'morph-output')) > 0.5, 'the slerp midpoint decodes to another face');
      assert.deepEqual(await events(page, 'latent-error'), []);
      await page.close();
    } finally {
      await faces.close();
      }
    });
  });

describe('conditional VAE', () => {
  test('the class picker re-decodes the views in the picked class; the class x sample grid has a row per class; <latent-sample class> draws that class', async () => {
    const cvae = await serveDemo({ run: cvaeRun, port: 0, build: false, siteDir });
    try {
      const page = await openExplorer(`${cvae.url}/?device=wasm`);
      await waitForView(page, 'class-grid');
      await waitForView(page, 'samples');
      const grid = await pixels(page, 'class-grid');
      assert.equal(grid.length, 10 * 32 * 8 * 32 * 4, 'a 10-class x 8-sample mosaic');
      // Rows are classes: the same z decoded as two classes gives different images.
      const rowOf = (p: number[], r: number) => p.slice(r * 32 * 8 * 32 * 4, (r + 1) * 32 * 8 * 32 * 4);
      assert.ok(meanAbsDiff(rowOf(grid, 1), rowOf(grid, 7)) > 2, 'Trouser and Sneaker rows differ');
      const before = await pixels(page, 'sample-0');
      const count = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'samples').length;
      await page.evaluate(() => {
        const s = document.querySelector('latent-explorer')?.shadowRoot?.querySelector('[data-testid="class-picker"]') as HTMLSelectElement;
        s.value = '7';
        s.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitForFunction(
        (n) => (window as unknown as { __lk: { type: string; detail: { view?: string } }[] }).__lk.filter((e) => e.type === 'latent-decoded' && e.detail.view === 'samples').length > n,
        count,
      );
      const after = await pixels(page, 'sample-0');
      assert.ok(meanAbsDiff(before, after) > 2, 'the same sample decoded as Sneaker instead of T-shirt/top looks different');
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-cvae.png'), fullPage: true });
      // <latent-sample class>: by name, by index (the same images), another class (different), an unknown one (an error naming the classes).
      await page.evaluate(() => {
        for (const [id, cls] of [['by-name', 'Sneaker'], ['by-index', '7'], ['other', 'Trouser'], ['bad', 'Hat']]) {
          const el = document.createElement('latent-sample');
          el.id = id!;
          el.setAttribute('src', '/bundle/');
          el.setAttribute('device', 'wasm');
          el.setAttribute('count', '2');
          el.setAttribute('seed', '5');
          el.setAttribute('class', cls!);
          document.body.append(el);
        }
      });
      await page.waitForFunction(
        () => (window as unknown as { __lk: { type: string }[] }).__lk.filter((e) => e.type === 'latent-first-image').length >= 4,
        undefined,
        { timeout: 60_000 },
      );
      const byName = await pixels(page, 'sample-0', 'latent-sample#by-name');
      assert.deepEqual(await pixels(page, 'sample-0', 'latent-sample#by-index'), byName);
      assert.ok(meanAbsDiff(byName, await pixels(page, 'sample-0', 'latent-sample#other')) > 2);
      const error = await page.evaluate(() => document.querySelector('latent-sample#bad')?.shadowRoot?.querySelector('[data-testid="error"]')?.textContent ?? '');
      assert.match(error, /unknown class "Hat"; valid classes: 0 "T-shirt\/top".*7 "Sneaker"/);
      assert.equal(await page.evaluate(() => document.querySelector('latent-sample#by-name')?.shadowRoot?.querySelector('[data-testid="class"]')?.textContent), 'Sneaker');
      await page.close();
    } finally {
      await cvae.close();
    }
  });
});

describe('explorer on WebGPU (software adapter)', () => {
  test('runs the decoder on WebGPU: the plane and the morph slider respond', async () => {
    const gpu = await launchChromium({ webgpu: true });
    try {
      const mark = server.requests.length;
      const page = await openExplorer(`${server.url}/?device=webgpu`, gpu);
      const ready = await waitForEvent(page, 'latent-ready', 120_000);
      assert.equal(ready.detail.provider, 'webgpu', 'no silent fallback to wasm');
      // Chromium has JSPI: the WebGPU EP's JSPI build, and neither the JSEP nor the CPU-only binary.
      const wasms = server.requests.slice(mark).map((r) => r.path).filter((p) => p.endsWith('.wasm')).map((p) => p.split('/').pop());
      assert.deepEqual([...new Set(wasms)], ['ort-wasm-simd-threaded.jspi.wasm']);
      assert.equal(await page.locator('latent-explorer [data-testid="backend"]').textContent(), 'WebGPU');
      await waitForEvent(page, 'latent-first-image', 120_000);
      await hoverPlane(page, 0.2, 0.25);
      const a = await pixels(page, 'plane-output');
      await hoverPlane(page, 0.8, 0.7);
      const b = await pixels(page, 'plane-output');
      assert.ok(meanAbsDiff(a, b) > 5, 'pixels changed under the pointer');
      await waitForView(page, 'morph', 120_000);
      await pinMorphEndpoints(page, MORPH_A, MORPH_B);
      const images: number[][] = [];
      for (const t of [0, 0.5, 1]) {
        await setMorph(page, t);
        images.push(await pixels(page, 'morph-output'));
      }
      const d = images.map((p) => meanAbsDiff(p, images[0]));
      assert.ok(d[1] > d[0] && d[2] > d[1], `distance to A grows: ${d.map((x) => x.toFixed(2)).join(' < ')}`);
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-webgpu.png'), fullPage: true });
      assert.deepEqual(await events(page, 'latent-error'), []);
    } finally {
      await gpu.close();
    }
  });
});

describe('embedding', () => {
  test('the element script renders on a bare page served from another origin', async () => {
    const embedDir = join(work, 'embed');
    await mkdir(embedDir, { recursive: true });
    const origin = server.url;
    await writeFile(
      join(embedDir, 'index.html'),
      `<!doctype html>
<html><head><meta charset="utf-8"><title>someone else's page</title></head>
<body style="font-family: Georgia, serif; max-width: 900px; margin: 24px auto">
  <h1>My blog post about VAEs</h1>
  <p>Random samples, decoded in your browser:</p>
  <latent-sample src="${origin}/bundle/" count="6" columns="6" seed="3" controls></latent-sample>
  <p>And the whole explorer:</p>
  <latent-explorer src="${origin}/bundle/" device="wasm"></latent-explorer>
  <script type="module" src="${origin}/elements/latent-elements.js"></script>
</body></html>`,
    );
    // A plain server: no COOP/COEP, so this page is not cross-origin isolated (no wasm threads).
    const other = await startStaticServer({ mounts: [{ prefix: '/', dir: embedDir }], port: 0, crossOriginIsolated: false });
    try {
      assert.notEqual(new URL(other.url).origin, new URL(origin).origin);
      const page = await browser.newPage({ viewport: { width: 1100, height: 1500 } });
      await recordEvents(page);
      await page.goto(`${other.url}/`);
      await page.waitForFunction(
        () => (window as unknown as { __lk: { type: string }[] }).__lk.filter((e) => e.type === 'latent-ready').length >= 2,
        undefined,
        { timeout: 60_000 },
      );
      const ready = await events(page, 'latent-ready');
      for (const r of ready) {
        assert.equal(r.detail.crossOriginIsolated, false);
        assert.equal(r.detail.threads, 1, 'one wasm thread without cross-origin isolation');
      }
      await page.waitForFunction(
        () => (window as unknown as { __lk: { type: string }[] }).__lk.filter((e) => e.type === 'latent-first-image').length >= 2,
        undefined,
        { timeout: 60_000 },
      );
      assert.ok(spread(await pixels(page, 'sample-0', 'latent-sample')) > 40, '<latent-sample> drew a sample');
      // z = (0, 0) decodes to flat grey in an untrained decoder (no biases yet): check it was drawn
      // (opaque), and that the grid shows varied images.
      const plane = await pixels(page, 'plane-output', 'latent-explorer');
      assert.ok(plane.every((v, i) => i % 4 !== 3 || v === 255), '<latent-explorer> drew the plane image');
      await waitForView(page, 'grid');
      assert.ok(spread(await pixels(page, 'grid', 'latent-explorer')) > 40, '<latent-explorer> drew the grid');
      assert.deepEqual(await events(page, 'latent-error'), []);
      await page.screenshot({ path: join(ARTIFACTS, 'embed-other-origin.png'), fullPage: true });
      // Attributes in: changing `count` re-renders with that many tiles (the model is shared, not reloaded).
      const bundleFetches = server.requests.filter((r) => r.path.endsWith('decoder.onnx')).length;
      await page.evaluate(() => document.querySelector('latent-sample')?.setAttribute('count', '3'));
      await page.waitForFunction(() => (window as unknown as { __lk: { type: string }[] }).__lk.filter((e) => e.type === 'latent-ready').length >= 3);
      assert.equal(await page.locator('latent-sample canvas').count(), 3);
      assert.equal(server.requests.filter((r) => r.path.endsWith('decoder.onnx')).length, bundleFetches);
      await page.close();
    } finally {
      await other.close();
    }
  });
});


describe('explorer on a model spec bundle', () => {
  test('a 48x48 RGB, latent-16 spec bundle: the explorer loads it and shows decoded 48x48 RGB images', async () => {
    const spec = await serveDemo({ run: specRun, port: 0, build: false, siteDir });
    try {
      const page = await openExplorer(`${spec.url}/?device=wasm`);
      const ready = await waitForEvent(page, 'latent-ready');
      assert.equal(ready.detail.latentDim, 16);
      assert.match(String(ready.detail.kind), /48x48x3/);
      await waitForEvent(page, 'latent-first-image');
      await waitForView(page, 'samples');
      const sample = await pixels(page, 'sample-0');
      assert.equal(sample.length, 48 * 48 * 4, 'the sample canvas is 48x48');
      assert.ok(spread(sample) > 40, 'the decoded image is not blank');
      // RGB, not grey drawn three times: some pixels' channels differ.
      let coloured = 0;
      for (let i = 0; i < sample.length; i += 4) if (Math.max(Math.abs(sample[i]! - sample[i + 1]!), Math.abs(sample[i + 1]! - sample[i + 2]!)) > 8) coloured++;
      assert.ok(coloured > 48 * 48 * 0.1, `only ${coloured} of ${48 * 48} pixels have differing R, G, B`);
      assert.ok(meanAbsDiff(sample, await pixels(page, 'sample-1')) > 1, 'two samples differ');
      assert.equal((await pixels(page, 'morph-output')).length, 48 * 48 * 4, 'the morph view decodes 48x48 too');
      assert.equal(await page.locator('latent-explorer [data-testid="plane"]').count(), 0, 'no latent plane for a 16-d model');
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-spec-48x48x3.png'), fullPage: true });
      assert.deepEqual(await events(page, 'latent-error'), []);
      await page.close();
    } finally {
      await spec.close();
    }
  });
});
