/**
 * `pnpm bench` for @latentkit/data: the image-folder dataset on a folder of BENCH_IMAGES (default
 * 20,000) drawn images, JPEG and PNG of 64..96 px, decoded to 64x64 RGB:
 *   - the first load (scan + decode into the cache), images/s;
 *   - the second load (scan + the cache's checks, CRC-32 of the whole body);
 *   - shuffled epochs over the training split at batch 128 after that (what the training loop
 *     reads), images/s, against the target >= 2,000 images/s;
 *   - the process's peak RSS (getrusage maxrss) over all of it, against the target < 1.5 GB;
 *   - unless BENCH_TRAIN=0: one real training epoch, `pnpm train --data DIR --image-size 64` (a VAE,
 *     filters 32,64,128, z 16; the auto engine) at each batch of BENCH_TRAIN_BATCH (default "64,128":
 *     pnpm train's default for a spec, and the faces preset's batch), in a child process whose peak
 *     RSS /usr/bin/time reports, against the same 1.5 GB. Most of that process's RSS is the engine's
 *     activations and gradients, which grow with the batch, not the data layer: at batch 128 a step
 *     held 1.09 GB of tensors (RSS 1.60 GB) until the training loop split batches beyond its tensor
 *     budget into micro-batches (packages/train/src/training/memory-budget.ts; the same gradient for
 *     a spec without BatchNorm, one update per batch of 128).
 * The folder is written once to BENCH_DIR (default the OS temp folder) and reused; the cache goes to
 * a fresh folder each run so the first load is a real build. Prints the load average: the machine
 * is shared and every number moves with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRng } from '@latentkit/format';
import { loadImageFolder } from '../src/index.ts';

const COUNT = Number(process.env.BENCH_IMAGES ?? 20_000);
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), `latentkit-bench-images-${COUNT}`);
const RSS_TARGET_MB = 1536;
const READ_TARGET = 2000;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function writeFolder(): Promise<void> {
  if (existsSync(DIR) && readdirSync(DIR).length >= COUNT) return;
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const rnd = createRng(7);
  const t = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const w = 64 + Math.floor(rnd() * 33);
    const h = 64 + Math.floor(rnd() * 33);
    const c = [rnd() * 255, rnd() * 255, rnd() * 255].map(Math.round);
    const img = sharp({ create: { width: w, height: h, channels: 3, background: { r: c[0]!, g: c[1]!, b: c[2]! } } })
      .composite([{ input: Buffer.from(`<svg width="${w}" height="${h}"><circle cx="${w * rnd()}" cy="${h * rnd()}" r="${10 + 20 * rnd()}" fill="rgb(${255 - c[0]!},${c[1]},${255 - c[2]!})"/></svg>`) }]);
    const name = join(DIR, `img-${String(i).padStart(6, '0')}.${i % 2 ? 'jpg' : 'png'}`);
    await (i % 2 ? img.jpeg({ quality: 90 }) : img.png()).toFile(name);
  }
  console.log(`wrote ${COUNT} images to ${DIR} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  console.log(`image-folder: ${COUNT} images, 64x64 RGB, ${cpus().length} cores (${cpus()[0]?.model}); load average ${load()}`);
  await writeFolder();
  const cacheDir = mkdtempSync(join(tmpdir(), 'latentkit-bench-cache-'));
  try {
    let t = performance.now();
    const first = await loadImageFolder({ dir: DIR, height: 64, width: 64, channels: 3, cacheDir });
    const buildS = (performance.now() - t) / 1000;
    console.log(`first load (decode into the cache): ${buildS.toFixed(1)} s, ${(first.report.decoded / buildS).toFixed(0)} images/s; ${first.report.decoded} decoded, ${first.report.skipped.count} skipped`);
    t = performance.now();
    const again = await loadImageFolder({ dir: DIR, height: 64, width: 64, channels: 3, cacheDir });
    console.log(`second load (scan + cache checks, CRC-32 over ${mb(first.report.decoded * 64 * 64 * 3)} MB): ${((performance.now() - t) / 1000).toFixed(2)} s, cache ${again.report.built ? 'REBUILT' : 'reused'}`);
    const rates: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      t = performance.now();
      let n = 0;
      let checksum = 0;
      for await (const b of again.train.batches(128, { shuffle: true, seed: epoch })) {
        n += b.count;
        checksum += b.images[0]!;
      }
      const rate = n / ((performance.now() - t) / 1000);
      rates.push(rate);
      console.log(`  epoch ${epoch + 1}: ${n} images shuffled at batch 128: ${rate.toFixed(0)} images/s (checksum ${checksum.toFixed(2)}; load ${load()})`);
    }
    const best = Math.max(...rates);
    const rss = process.resourceUsage().maxRSS * 1024;
    console.log(`epoch read after the cached pass: ${best.toFixed(0)} images/s (best of 3), target >= ${READ_TARGET}: ${best >= READ_TARGET ? 'MET' : 'NOT MET'}`);
    console.log(`data layer peak RSS (this process: decode, cache checks, 3 epochs): ${mb(rss)} MB, target < ${RSS_TARGET_MB} MB: ${rss / 2 ** 20 < RSS_TARGET_MB ? 'MET' : 'NOT MET'}`);

    if (process.env.BENCH_TRAIN !== '0' && existsSync('/usr/bin/time')) {
      const main = fileURLToPath(new URL('../../train/src/cli/main.ts', import.meta.url));
      // One image cache for the training runs (the first builds it, as a user's first run would).
      const trainCache = join(cacheDir, '..', `${cacheDir.split('/').pop()}-train`);
      for (const batch of (process.env.BENCH_TRAIN_BATCH ?? '64,128').split(',')) {
        const out = join(cacheDir, `run-${batch}`);
        t = performance.now();
        const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, '--import', 'tsx', main, '--data', DIR, '--image-size', '64', '--channels', '3',
          '--latent-dim', '16', '--epochs', '1', '--batch', batch, '--out', out, '--progress', 'lines'], {
          encoding: 'utf8', env: { ...process.env, LATENTKIT_CACHE_DIR: trainCache }, timeout: 1_800_000,
        });
        const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
        const epochLine = /epoch 1\/1: loss.*/.exec(r.stderr)?.[0] ?? `(no epoch line; exit ${r.status})`;
        const split = /batches of \d+ in micro-batches of at most \d+/.exec(r.stderr)?.[0] ?? 'whole batches';
        console.log(`training one epoch (pnpm train --data DIR --image-size 64, batch ${batch}; ${split}): exit ${r.status}, ${((performance.now() - t) / 1000).toFixed(0)} s; ${epochLine}`);
        console.log(`training process peak RSS at batch ${batch}: ${(kb / 1024).toFixed(0)} MB, target < ${RSS_TARGET_MB} MB: ${kb / 1024 < RSS_TARGET_MB ? 'MET' : 'NOT MET'} (load ${load()})`);
      }
      rmSync(trainCache, { recursive: true, force: true });
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  console.log(`load average at the end: ${load()}`);
}

await main();
