/**
 * `pnpm --filter @latentkit/train bench:tensorboard`: what the TensorBoard log costs a training epoch.
 * For each engine, one process runs the real training loop (train()) on the first BENCH_LIMIT
 * Fashion-MNIST images (default 6,000; validation a fifth of that), one epoch each:
 *   warm-up (log off, 500 images, not counted), log off, log on with --histograms (the most it writes).
 * Printed per engine: both epochs' seconds (train + validation, as metrics.jsonl's `seconds`), and the
 * time the log itself took (TensorBoardLog.busyMs: every batch event, the epoch's scalars, the
 * reconstructions drawn for it, weight and latent histograms, encoding, writing, fsync, and opening
 * the log) as a share of the logged epoch: the issue's target is under 2%. The off/on difference is
 * printed too, but on this shared 2-core machine it is noise of a few percent either way; the busy
 * time is measured inside the same epoch and is the ratio to read. A smaller epoch makes the ratio
 * larger (the per-epoch work is fixed), so BENCH_LIMIT below the book's 60,000 overstates it.
 *
 * Options (env): BENCH_ENGINES (default native,wasm), BENCH_LIMIT (default 6000), BENCH_MODEL (default vae).
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveWorkers } from '../src/cli/options.ts';
import { loadFashionMnist } from '@latentkit/data';
import { initEngine, type EngineName } from '../src/engine/select.ts';
import { BOOK_DEFAULTS } from '@latentkit/models/book-defaults';
import { train, type TrainOptions } from '../src/training/loop.ts';
import type { ModelKind } from '../src/types.ts';

const ENGINES = (process.env.BENCH_ENGINES ?? 'native,wasm').split(',');
const LIMIT = Number(process.env.BENCH_LIMIT ?? 6000);
const KIND = (process.env.BENCH_MODEL ?? 'vae') as ModelKind;
const TARGET = 0.02;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`TensorBoard log overhead: ${KIND}, one epoch of ${LIMIT} Fashion-MNIST images at batch ${BOOK_DEFAULTS[KIND].batchSize}`);
console.log(`cpu: ${cpus()[0]?.model} x ${cpus().length}; load average at start ${load()}`);
const dir = await mkdtemp(join(tmpdir(), 'lk-bench-tb-'));
let failed = false;
try {
  const [trainFull, valFull] = await Promise.all([
    loadFashionMnist({ split: 'train', limit: LIMIT }),
    loadFashionMnist({ split: 'test', limit: Math.ceil(LIMIT / 5) }),
  ]);
  const warmData = await loadFashionMnist({ split: 'train', limit: 500 });
  for (const name of ENGINES) {
    const engineName: EngineName = name === 'native' ? 'tfjs-node' : (name as EngineName);
    let engine;
    try {
      engine = await initEngine(engineName, { log: () => {} });
    } catch (err) {
      console.log(`${name}: skipped (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const base = (out: string, data = trainFull): TrainOptions => ({
      model: KIND,
      train: data,
      validation: valFull,
      outDir: join(dir, `${name}-${out}`),
      epochs: 1,
      batchSize: BOOK_DEFAULTS[KIND].batchSize,
      workers: resolveWorkers('auto', engine.name),
      engine,
      progress: 'quiet',
      log: () => {},
    });
    const dispose = (r: Awaited<ReturnType<typeof train>>) => {
      r.pair.encoder.dispose();
      r.pair.decoder.dispose();
    };
    dispose(await train({ ...base('warm', warmData), tensorboard: false }));
    const off = await train({ ...base('off'), tensorboard: false });
    dispose(off);
    const on = await train({ ...base('on'), tensorboard: { histograms: true } });
    dispose(on);
    const offS = off.history[0].seconds;
    const onS = on.history[0].seconds;
    const busy = on.tensorboard!.busyMs;
    const share = busy / (onS * 1000);
    failed ||= share >= TARGET;
    console.log(
      `${name} (${engine.detail ?? engine.name}, ${base('x').workers} replica${base('x').workers! > 1 ? 's' : ''}): ` +
        `epoch ${offS.toFixed(2)} s with the log off, ${onS.toFixed(2)} s on (${(((onS - offS) / offS) * 100).toFixed(1)}%, noise-level); ` +
        `the log's own time ${busy.toFixed(0)} ms = ${(share * 100).toFixed(2)}% of the logged epoch ` +
        `(target < ${TARGET * 100}%: ${share < TARGET ? 'met' : 'NOT met'})`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  console.log(`load average at end ${load()}`);
}
process.exitCode = failed ? 1 : 0;
