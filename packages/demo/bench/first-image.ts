/**
 * `pnpm bench` (packages/demo): time from navigation to the first decoded image, measured by the
 * page itself (performance.now() when the first image is on a canvas; 0 = navigation start),
 * in headless Chromium, for:
 *   wasm, cross-origin isolated (threads)  <- baseline
 *   wasm, not isolated (one thread)
 *   webgpu (SwiftShader software adapter here)
 * each on a first visit (empty cache) and a second visit (model + wasm from the Cache API),
 * plus the median pointer-move decode on the latent plane.
 *
 * Usage: pnpm bench [-- --run runs/NAME] [--repeats 3]. Default model: a freshly exported,
 * untrained Fashion VAE (same size as a trained one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { buildSite } from '../src/build/build-site.ts';
import { serveDemo, type DemoServer } from '../src/server/serve-demo.ts';
import { launchChromium } from '../test/browser.ts';
import { writeFreshBundle } from '../test/fixtures/fresh-bundle.ts';
import { events, hoverPlane, recordEvents, waitForEvent, waitForView } from '../test/page-helpers.ts';
import { recordWireBytes } from '../test/wire-bytes.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { run: { type: 'string' }, repeats: { type: 'string', default: '3' }, hovers: { type: 'string', default: '15' } },
});
const repeats = Math.max(1, Number(values.repeats));
const hovers = Math.max(2, Number(values.hovers));

interface Row {
  name: string;
  cold: number[];
  warm: number[];
  loadCold: number[];
  hover: number[];
  /** Bytes over the wire (DevTools protocol) from navigation to the first image. */
  bytesCold: number[];
  bytesWarm: number[];
  /** Body bytes the server sent for the same first visits (cross-check; no headers). */
  serverCold: number[];
  /** Biggest transfers of the first first visit, for the report. */
  top: [string, number][];
}

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(name: string, browser: Browser, server: DemoServer, device: string): Promise<Row> {
  const url = server.url;
  const row: Row = { name, cold: [], warm: [], loadCold: [], hover: [], bytesCold: [], bytesWarm: [], serverCold: [], top: [] };
  for (let i = 0; i < repeats; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1250 } });
    const page = await context.newPage();
    await recordEvents(page);
    const wire = await recordWireBytes(page);
    const mark = server.requests.length;
    await page.goto(`${url}/?device=${device}`);
    const first = await waitForEvent(page, 'latent-first-image', 180_000);
    row.bytesCold.push(wire.total());
    row.serverCold.push(server.requests.slice(mark).reduce((sum, r) => sum + (r.bytes ?? 0), 0));
    if (i === 0) row.top = wire.byPath().slice(0, 5);
    const ready = await waitForEvent(page, 'latent-ready');
    if (ready.detail.provider !== device) throw new Error(`${name}: asked for ${device}, the page runs ${ready.detail.provider}`);
    row.cold.push(Number(first.detail.sinceNavigationMs));
    row.loadCold.push(Number(ready.detail.loadMs));
    if (i === 0) {
      // Let the background work (grid rows, morph strip) finish so moves measure the decode alone.
      await waitForView(page, 'grid', 180_000);
      // Pointer-move decodes: alternate between points so every move decodes a new z.
      for (let k = 0; k < hovers; k++) await hoverPlane(page, 0.2 + (0.6 * k) / hovers, k % 2 ? 0.3 : 0.7);
      const planes = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'plane').slice(-hovers);
      row.hover.push(...planes.map((e) => Number(e.detail.ms)));
    }
    wire.reset();
    await page.goto(`${url}/?device=${device}&visit=2`);
    const warm = await waitForEvent(page, 'latent-first-image', 180_000);
    row.warm.push(Number(warm.detail.sinceNavigationMs));
    row.bytesWarm.push(wire.total());
    await context.close();
  }
  return row;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'lk-demo-bench-'));
  const servers: DemoServer[] = [];
  const browsers: Browser[] = [];
  try {
    const run = values.run ?? (await writeFreshBundle(join(work, 'run'), 'vae'));
    const site = await buildSite(join(work, 'site'));
    // Times on a shared machine scale with its load: say what it was.
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${cpus().length} cores`);
    console.log(`site built in ${site.seconds.toFixed(1)} s; model: ${values.run ?? 'fresh untrained Fashion VAE (2-d)'}; ${repeats} repeats`);
    const isolated = await serveDemo({ run, port: 0, build: false, siteDir: site.dir, cwd: process.env.INIT_CWD });
    const plain = await serveDemo({ run, port: 0, build: false, siteDir: site.dir, crossOriginIsolated: false, cwd: process.env.INIT_CWD });
    servers.push(isolated, plain);
    const cpu = await launchChromium();
    browsers.push(cpu);
    const rows = [
      await measure('wasm, isolated (threads)', cpu, isolated, 'wasm'),
      await measure('wasm, not isolated (1 thread)', cpu, plain, 'wasm'),
    ];
    const gpu = await launchChromium({ webgpu: true });
    browsers.push(gpu);
    rows.push(await measure('webgpu (software adapter)', gpu, isolated, 'webgpu'));

    const base = rows[0];
    const f = (x: number) => x.toFixed(0).padStart(7);
    const mb = (x: number) => (x / 1e6).toFixed(2).padStart(7);
    console.log('\nbytes over the wire, navigation -> first decoded image (MB, median; DevTools Network encodedDataLength)');
    console.log(`${'backend'.padEnd(32)} ${'first'.padStart(7)} ${'second'.padStart(7)} ${'server'.padStart(7)}   biggest transfers on a first visit`);
    for (const r of rows) {
      const top = r.top.map(([p, n]) => `${p.split('/').pop()} ${(n / 1e6).toFixed(2)}`).join(', ');
      console.log(`${r.name.padEnd(32)} ${mb(median(r.bytesCold))} ${mb(median(r.bytesWarm))} ${mb(median(r.serverCold))}   ${top}`);
    }
    console.log('\nnavigation -> first decoded image (ms, median), headless Chromium');
    console.log(`${'backend'.padEnd(32)} ${'first'.padStart(7)} ${'x base'.padStart(7)} ${'second'.padStart(7)} ${'x base'.padStart(7)} ${'load'.padStart(7)} ${'move'.padStart(7)} ${'x base'.padStart(7)}`);
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(32)} ${f(median(r.cold))} ${(median(r.cold) / median(base.cold)).toFixed(2).padStart(7)} ${f(median(r.warm))} ${(median(r.warm) / median(base.warm)).toFixed(2).padStart(7)} ${f(median(r.loadCold))} ${median(r.hover).toFixed(1).padStart(7)} ${(median(r.hover) / median(base.hover)).toFixed(2).padStart(7)}`,
      );
    }
    console.log('\nfirst = first visit (empty cache); second = same browser profile again (model from the Cache API, onnxruntime-web from the HTTP cache);');
    console.log('server = body bytes the demo server sent for the first visit (no headers), a cross-check of the DevTools count.');
    console.log('load = manifest + bytes + session creation on the first visit; move = one pointer-move decode (batch 1).');
    console.log(`raw: ${JSON.stringify(rows.map((r) => ({ name: r.name, first: r.cold.map(Math.round), second: r.warm.map(Math.round), bytesFirst: r.bytesCold, bytesSecond: r.bytesWarm })))}`);
    console.log(`load average at end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
    const targets = rows.filter((r) => r.name !== rows[1].name);
    for (const r of targets) {
      const ok = median(r.bytesCold) <= 5e6 && median(r.cold) <= 2000;
      console.log(`target (first visit <= 5 MB and <= 2,000 ms), ${r.name}: ${(median(r.bytesCold) / 1e6).toFixed(2)} MB, ${median(r.cold).toFixed(0)} ms: ${ok ? 'met' : 'not met'}`);
    }
  } finally {
    for (const b of browsers) await b.close();
    for (const s of servers) await s.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
