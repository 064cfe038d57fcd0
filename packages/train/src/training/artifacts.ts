/**
 * Pictures and data files of a run folder: per-epoch samples of decoded N(0, I) latents, and after
 * training the encoder/decoder models, originals against reconstructions, and the latent-space views
 * (2-d models: scatter of test latents by label + latents.json; faces VAE: per-dimension histograms).
 *
 * As in the book's notebooks, reconstructions and latents use the encoder's sampled z for the VAEs
 * (here with seeded noise), and the scatter shows the first test images (capped at 5,000 points).
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { classCount, cyclingLabels, saveModel, withLabels, type ModelPair } from '@latentkit/models';
import { writeFileAtomic } from '@latentkit/format/node';
import type { Dataset } from '../types.ts';
import type { RenderedPng } from '../viz/image-grid.ts';
import { batchNoise } from './noise.ts';
import { InferencePass, type InferencePassSwitches } from './inference-pass.ts';
import { writeImageGrid, writeLatentHistograms, writeLatentScatter } from './pictures.ts';
import type { RunPaths } from './run-folder.ts';

export const MAX_LATENT_POINTS = 5000;
const RECONSTRUCTIONS = 10;
const HISTOGRAM_IMAGES = 1000;

/** Rows of samples per class in a conditional VAE's epoch picture (one column per class). */
export const CONDITIONAL_SAMPLE_ROWS = 3;

/**
 * Decodes `count` N(0, I) latents (seeded by seed and epoch), writes them as one grid PNG and returns
 * it. A conditional VAE's picture is a class x sample grid: one column per class (left to right in
 * class order), CONDITIONAL_SAMPLE_ROWS rows unless `count` says otherwise.
 */
export async function writeEpochSamples(
  path: string,
  pair: ModelPair,
  opts: { seed: number; epoch: number; count?: number },
): Promise<RenderedPng> {
  const classes = classCount(pair);
  const count = opts.count ?? (classes !== undefined ? classes * CONDITIONAL_SAMPLE_ROWS : pair.latentDim === 2 ? 18 : 30);
  const z = batchNoise(opts.seed, opts.epoch, 'samples', 0, count, pair.latentDim);
  const labels = classes === undefined ? undefined : cyclingLabels(count, classes);
  const images = tf.tidy(() => pair.decoder.predict(withLabels(pair, tf.tensor2d(z, [count, pair.latentDim]), labels)) as tf.Tensor);
  const data = (await images.data()) as Float32Array;
  images.dispose();
  await mkdir(dirname(path), { recursive: true });
  return writeImageGrid(path, data, pair.imageShape, {
    columns: classes ?? (pair.latentDim === 2 ? 6 : 10),
    scale: pair.imageShape[0] < 64 ? 3 : 1,
  });
}

/** Images per encoder call of the latents pass. */
const ENCODE_BATCH = 250;

/**
 * The latents pass's computation of one batch: inputs [images [n, H, W, C]] for the AE, [images,
 * eps [n, latentDim]] for a VAE, [images, eps, one-hot labels [n, K]] for a conditional VAE ->
 * [z] (the AE's code; a VAE's z sampled through its Sampling layer with eps).
 */
export function latentsOf(pair: ModelPair): (inputs: tf.Tensor[]) => tf.Tensor[] {
  return ([x, eps, labels]) => {
    if (pair.spec.type === 'ae') return [pair.encoder.predict(x!) as tf.Tensor];
    const [mean, logVar] = pair.encoder.predict(withLabels(pair, x!, labels as tf.Tensor2D | undefined)) as tf.Tensor[];
    return [pair.encoder.getLayer('z').apply([mean!, logVar!, eps!]) as tf.Tensor];
  };
}

/**
 * Encodes up to `limit` images of `data` in order; returns z (sampled for VAEs), labels and images
 * seen. On the native engine full batches run as graph calls (inference-pass.ts) unless `compile` is false.
 * @throws ValueError when a conditional pair's data has no labels; DataError from the dataset.
 */
export async function encodeFirst(
  pair: ModelPair,
  data: Dataset,
  limit: number,
  seed: number,
  opts: InferencePassSwitches = {},
): Promise<{ z: Float32Array; labels: Int32Array | undefined; images: Float32Array; count: number }> {
  const zs: Float32Array[] = [];
  const labels: number[] = [];
  const images: Float32Array[] = [];
  let count = 0;
  let step = 0;
  const classes = classCount(pair);
  const pass = new InferencePass(pair, latentsOf(pair), { batchSize: ENCODE_BATCH, images: Math.min(limit, data.size), name: 'latents', ...opts });
  try {
    for await (const batch of data.batches(ENCODE_BATCH, { shuffle: false })) {
      const take = Math.min(batch.count, limit - count);
      const pixels = batch.images.subarray(0, take * pair.imageShape.reduce((a, b) => a * b, 1));
      const inputs = tf.tidy(() => {
        const x = tf.tensor4d(pixels, [take, ...pair.imageShape]);
        if (pair.spec.type === 'ae') return [x];
        const eps = tf.tensor2d(batchNoise(seed, 0, 'artifacts', step, take, pair.latentDim), [take, pair.latentDim]);
        if (classes === undefined) return [x, eps];
        const withLabel = withLabels(pair, x, batch.labels?.subarray(0, take)) as tf.Tensor[];
        return [x, eps, withLabel[1]!];
      });
      const [z] = pass.runOwned(inputs) as [tf.Tensor];
      step++;
      zs.push((await z.data()) as Float32Array);
      z.dispose();
      if (images.length === 0) images.push(pixels.slice());
      if (batch.labels) labels.push(...batch.labels.subarray(0, take));
      count += take;
      if (count >= limit) break;
    }
  } finally {
    pass.dispose();
  }
  const z = new Float32Array(count * pair.latentDim);
  let offset = 0;
  for (const part of zs) {
    z.set(part, offset);
    offset += part.length;
  }
  return { z, labels: labels.length === count ? Int32Array.from(labels) : undefined, images: images[0], count };
}

/**
 * Writes encoder/, decoder/, reconstructions.png and the latent views of a finished run. `compile`
 * (default true) lets the latents pass run as graph calls on the native engine (encodeFirst).
 */
export async function writeFinalArtifacts(
  paths: RunPaths,
  pair: ModelPair,
  opts: { validation: Dataset; seed: number } & InferencePassSwitches,
): Promise<void> {
  await saveModel(pair.encoder, paths.encoder);
  await saveModel(pair.decoder, paths.decoder);

  const limit = pair.latentDim === 2 ? MAX_LATENT_POINTS : HISTOGRAM_IMAGES;
  const { z, labels, images, count } = await encodeFirst(pair, opts.validation, limit, opts.seed, { compile: opts.compile, log: opts.log });

  // Originals (top row) against their reconstructions (bottom row).
  const n = Math.min(RECONSTRUCTIONS, count);
  const pixelsPer = pair.imageShape.reduce((a, b) => a * b, 1);
  const originals = images.subarray(0, n * pixelsPer);
  const recon = tf.tidy(() => pair.decoder.predict(withLabels(pair, tf.tensor2d(z.subarray(0, n * pair.latentDim), [n, pair.latentDim]), labels?.subarray(0, n))) as tf.Tensor);
  const both = new Float32Array(2 * n * pixelsPer);
  both.set(originals, 0);
  both.set((await recon.data()) as Float32Array, n * pixelsPer);
  recon.dispose();
  await writeImageGrid(paths.reconstructions, both, pair.imageShape, {
    columns: n,
    scale: pair.imageShape[0] < 64 ? 2 : 1,
    rows: ['originals', 'reconstructions'],
  });

  if (pair.latentDim === 2) {
    // Unlabelled data (no label names) is drawn as one class.
    const labelled = labels !== undefined && (opts.validation.labelNames?.length ?? 0) > 0;
    const labelNames = labelled ? opts.validation.labelNames! : ['images'];
    const round = (v: number) => Number(v.toPrecision(6));
    const points: [number, number, number][] = [];
    for (let i = 0; i < count; i++) points.push([round(z[2 * i]), round(z[2 * i + 1]), labelled ? labels[i] : 0]);
    // One line per point keeps the file small and diff-friendly.
    const body = points.map((p) => JSON.stringify(p)).join(',\n  ');
    await writeFileAtomic(paths.latents, `{"labelNames": ${JSON.stringify(labelNames)},\n "points": [\n  ${body}\n]}\n`);
    await writeLatentScatter(paths.latentScatter, z, labelled ? labels : new Int32Array(count), labelNames);
  } else {
    await writeLatentHistograms(paths.latentHistograms, z, pair.latentDim);
  }
}
