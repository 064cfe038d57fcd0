/**
 * The README's TensorBoard picture: serves a log folder with the real TensorBoard (pip's 2.21, from
 * scripts/python/tensorboard-env.sh's venv) on loopback, checks through its HTTP API that every run's
 * scalars have each step once (a resumed run included), and screenshots the scalars dashboard in
 * Debian's Chromium (playwright-core).
 *
 *   node --import tsx scripts/tensorboard-screenshot.ts --logdir DIR [--out ../../docs/tensorboard-runs.png]
 *        [--filter REGEX of the tags to show]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    logdir: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../docs/tensorboard-runs.png', import.meta.url)) },
    filter: { type: 'string', default: '^(batch/loss|epoch/val_loss|epoch/val_kl_loss|images/reconstructions)$' },
  },
});
if (!values.logdir) {
  console.error('usage: node --import tsx scripts/tensorboard-screenshot.ts --logdir DIR [--out PNG] [--filter REGEX]');
  process.exit(2);
}
const env = spawnSync('bash', [fileURLToPath(new URL('../../../scripts/python/tensorboard-env.sh', import.meta.url))], { encoding: 'utf8' });
if (env.status !== 0) throw new Error(`tensorboard-env.sh failed: ${env.stderr}`);
const python = env.stdout.trim().split('\n').pop()!;

const port = await new Promise<number>((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => done(p));
  });
});
const tb = spawn(python, ['-m', 'tensorboard.main', '--logdir', resolve(values.logdir), '--host', '127.0.0.1', '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const base = `http://127.0.0.1:${port}`;
try {
  let output = '';
  tb.stderr.on('data', (d) => (output += d));
  tb.stdout.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/data/runs`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || tb.exitCode !== null) throw new Error(`TensorBoard did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  // Wait until TensorBoard has loaded every run's last epoch, then check for duplicate steps.
  let runs: string[] = [];
  for (let i = 0; ; i++) {
    const tags = (await (await fetch(`${base}/data/plugin/scalars/tags`)).json()) as Record<string, Record<string, unknown>>;
    runs = Object.keys(tags).sort();
    if (runs.length > 0 && runs.every((r) => 'epoch/loss' in tags[r])) break;
    if (i > 100) throw new Error(`TensorBoard shows no epoch/loss: ${JSON.stringify(tags)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const run of runs) {
    for (const tag of ['batch/loss', 'epoch/loss', 'epoch/val_loss']) {
      const points = (await (await fetch(`${base}/data/plugin/scalars/scalars?run=${encodeURIComponent(run)}&tag=${encodeURIComponent(tag)}`)).json()) as [number, number, number][];
      const steps = points.map((p) => p[1]);
      const unique = new Set(steps).size === steps.length && steps.every((s, i) => i === 0 || s > steps[i - 1]);
      console.log(`${run} ${tag}: ${steps.length} points, steps ${steps[0]}..${steps[steps.length - 1]}, ${unique ? 'each once' : 'DUPLICATES'}`);
      if (!unique) process.exitCode = 1;
    }
  }

  const browser = await chromium.launch({ executablePath: process.env.LATENTKIT_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'], headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 940 }, deviceScaleFactor: 1 });
    // TensorBoard keeps its settings in localStorage (_tb_global_settings): no smoothing (a few epochs
    // are too few points to smooth) and no outlier clipping, so every point of every run is drawn.
    await page.addInitScript(() => {
      localStorage.setItem('_tb_global_settings', JSON.stringify({ scalarSmoothing: 0, ignoreOutliers: false }));
    });
    await page.goto(`${base}/?darkMode=false#timeseries`);
    const filter = page.locator('input[placeholder*="Filter tags"]').first();
    await filter.waitFor({ timeout: 60_000 });
    await filter.fill(values.filter);
    await filter.press('Escape');
    // The settings pane's own setting closes it; smoothing and outlier clipping are preset below.
    await page.locator('button[aria-label="Toggle settings side pane"]').click();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(4000);
    await page.screenshot({ path: resolve(values.out) });
    console.log(`wrote ${resolve(values.out)}`);
  } finally {
    await browser.close();
  }
} finally {
  tb.kill('SIGTERM');
}
