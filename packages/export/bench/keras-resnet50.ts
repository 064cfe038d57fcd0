/**
 * Conversion time and peak memory of ResNet50 (keras.applications, weights=None, 32x32x3 input,
 * classifier top; 25.6M parameters, ~100 MB of weights) saved by Keras 3 as `.keras` and `.h5`,
 * converted the way `pnpm export --keras FILE --out x.onnx` does (the CLI's code, in-process).
 * Each format runs in a fresh process so its peak RSS (getrusage maxrss) is its own.
 * The models come from the test cache (src/testing/keras-zoo.ts builds them on first use).
 *   node --import tsx bench/keras-resnet50.ts
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportCommand } from '../src/cli/main.ts';
import { kerasZoo } from '../src/testing/keras-zoo.ts';

const [, , ext] = process.argv;
if (ext) {
  // Child: one conversion, then its time and peak memory as JSON.
  const zoo = kerasZoo('apps');
  if (typeof zoo === 'string') throw new Error(zoo);
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-bench-'));
  const file = join(zoo.dir, `ResNet50.${ext}`);
  const t0 = performance.now();
  const [out] = await exportCommand(['--keras', file, '--out', join(dir, 'resnet50.onnx')], dir);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, inMiB: statSync(file).size / 2 ** 20, outMiB: statSync(out).size / 2 ** 20 }));
  rmSync(dir, { recursive: true, force: true });
} else {
  const zoo = kerasZoo('apps'); // build the cache first (once), outside the timed children
  if (typeof zoo === 'string') throw new Error(zoo);
  const self = fileURLToPath(import.meta.url);
  console.log(`# ${cpus()[0].model}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);
  for (const e of ['keras', 'h5']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, e], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMiB: number; inMiB: number; outMiB: number };
    console.log(`ResNet50.${e} (${m.inMiB.toFixed(0)} MiB) -> ONNX (${m.outMiB.toFixed(0)} MiB): ${(m.ms / 1000).toFixed(2)} s, peak RSS ${m.maxRssMiB.toFixed(0)} MiB`);
  }
}
