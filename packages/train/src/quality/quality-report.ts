/**
 * The quality report `pnpm train` writes into the run folder (report.json; schema, formulas and
 * sources in @latentkit/format report.ts): the validation set's reconstruction PSNR for every model,
 * and for a conditional VAE the conditional fidelity beside the k-NN ceiling (Shmelkov et al. 2018's
 * GAN-test with a k = 5 nearest-neighbour classifier in pixel space).
 *
 * Cost: the k-NN compares every query with every reference image (one matrix product per chunk of
 * queries, knn.ts). The reference is a seeded uniform subsample of the training split (the first
 * `referenceImages` of one shuffled pass; every image when the split is smaller); at the defaults
 * (10,000 references, 10,000 validation images, 500 samples a class) that is ~0.4 TFLOP for
 * Fashion-MNIST, seconds on tfjs-node.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MAX_PSNR_DB, REPORT_FORMAT, type ClassQuality, type QualityReport } from '@latentkit/format';
import { classCount, oneHotLabels, withLabels } from '@latentkit/models';
import type { ModelPair } from '@latentkit/models';
import type { Dataset } from '../types.ts';
import { batchNoise } from '../training/noise.ts';
import { KnnClassifier } from './knn.ts';
import { InferencePass, type InferencePassSwitches } from '../training/inference-pass.ts';

export interface QualityReportOptions {
  /** Seeds the reference subsample and the generated latents. */
  seed: number;
  /** k of the k-NN; default 5 (issue 20). */
  k?: number;
  /** Training images the k-NN searches; default 10,000. */
  referenceImages?: number;
  /** Validation images measured (PSNR and the ceiling); default all. */
  validationImages?: number;
  /** Images generated per class; default 500. */
  samplesPerClass?: number;
  /** Images per engine call; default 250. */
  batchSize?: number;
  /**
   * Let the reconstruction pass and the conditional samples run their full batches as TensorFlow
   * graph calls on the native engine (training/inference-pass.ts); default true. false: eager (`--no-compile`).
   */
  compile?: boolean;
  /** Where to say that the pass's graph was refused (default: nowhere). */
  log?: (msg: string) => void;
}

/** Defaults of QualityReportOptions. */
export const REPORT_DEFAULTS = { k: 5, referenceImages: 10_000, samplesPerClass: 500, batchSize: 250 } as const;

interface Collected {
  images: Float32Array;
  labels: Int32Array | undefined;
  count: number;
}

/** Up to `limit` images of `data` (and their labels), in order or in one seeded shuffled pass. */
async function collect(data: Dataset, limit: number, batchSize: number, shuffleSeed?: number): Promise<Collected> {
  const per = data.imageShape.reduce((a, b) => a * b, 1);
  const take = Math.min(limit, data.size);
  const images = new Float32Array(take * per);
  const labels = new Int32Array(take);
  let count = 0;
  let labelled = true;
  const options = shuffleSeed === undefined ? { shuffle: false } : { shuffle: true, seed: shuffleSeed };
  for await (const batch of data.batches(batchSize, options)) {
    const n = Math.min(batch.count, take - count);
    images.set(batch.images.subarray(0, n * per), count * per);
    if (batch.labels) labels.set(batch.labels.subarray(0, n), count);
    else labelled = false;
    count += n;
    if (count >= take) break;
  }
  return { images: images.subarray(0, count * per), labels: labelled ? labels.subarray(0, count) : undefined, count };
}

/** PSNR in dB of one image's mean squared error, pixels in [0, 1] (MAX_PSNR_DB for a perfect one). */
export function psnrDb(mse: number): number {
  return mse <= 0 ? MAX_PSNR_DB : Math.min(MAX_PSNR_DB, Math.max(0, 10 * Math.log10(1 / mse)));
}

/**
 * The reconstruction pass's computation of one batch: [images [n, H, W, C]] (a conditional VAE:
 * [images, one-hot labels [n, K]]) -> [per-image MSE [n]] of the reconstruction from z_mean (the AE's z).
 */
export function reconstructionMse(pair: ModelPair): (inputs: tf.Tensor[]) => tf.Tensor[] {
  const per = pair.imageShape.reduce((a, b) => a * b, 1);
  return ([x, labels]) => {
    const oneHot = labels as tf.Tensor2D | undefined;
    const encoded = pair.encoder.predict(withLabels(pair, x!, oneHot));
    const z = Array.isArray(encoded) ? encoded[0]! : encoded;
    const recon = pair.decoder.predict(withLabels(pair, z, oneHot)) as tf.Tensor;
    return [tf.mean(tf.reshape(tf.squaredDifference(recon, x!), [x!.shape[0]!, per]), 1)];
  };
}

/**
 * Per-image MSE of each validation image against its reconstruction from z_mean (the AE's z). On the
 * native engine full batches run as graph calls (training/inference-pass.ts) unless `compile` is false.
 * @throws ValueError when a conditional pair's images have no labels.
 */
async function reconstructionErrors(pair: ModelPair, set: Collected, batchSize: number, opts: InferencePassSwitches): Promise<Float64Array> {
  const per = pair.imageShape.reduce((a, b) => a * b, 1);
  const errors = new Float64Array(set.count);
  const pass = new InferencePass(pair, reconstructionMse(pair), { batchSize, images: set.count, name: 'quality report', ...opts });
  try {
    for (let start = 0; start < set.count; start += batchSize) {
      const n = Math.min(batchSize, set.count - start);
      const labels = set.labels?.subarray(start, start + n);
      const inputs = tf.tidy(() => {
        const x = tf.tensor4d(set.images.subarray(start * per, (start + n) * per), [n, ...pair.imageShape]);
        return classCount(pair) === undefined ? [x] : (withLabels(pair, x, labels) as tf.Tensor[]);
      });
      const [mse] = pass.runOwned(inputs) as [tf.Tensor];
      errors.set(await mse.data(), start);
      mse.dispose();
    }
  } finally {
    pass.dispose();
  }
  return errors;
}

/** The conditional samples' computation of one batch: [z [n, latentDim], one-hot labels [n, K]] -> [images [n, H, W, C]]. */
export function conditionalSamples(pair: ModelPair): (inputs: tf.Tensor[]) => tf.Tensor[] {
  return ([z, labels]) => [pair.decoder.predict([z!, labels!]) as tf.Tensor];
}

/**
 * `perClass` images decoded from N(0, I) latents with each label in turn (class c: rows c*perClass ..).
 * On the native engine full batches run as graph calls (training/inference-pass.ts) unless `compile` is false.
 */
async function generate(pair: ModelPair, classes: number, perClass: number, seed: number, batchSize: number, opts: InferencePassSwitches): Promise<Float32Array> {
  const per = pair.imageShape.reduce((a, b) => a * b, 1);
  const total = classes * perClass;
  const out = new Float32Array(total * per);
  let step = 0;
  const pass = new InferencePass(pair, conditionalSamples(pair), { batchSize, images: total, name: 'quality report samples', ...opts });
  try {
    for (let start = 0; start < total; start += batchSize) {
      const n = Math.min(batchSize, total - start);
      const labels = Int32Array.from({ length: n }, (_, i) => Math.floor((start + i) / perClass));
      const z = batchNoise(seed, 0, 'report', step++, n, pair.latentDim);
      const [images] = pass.runOwned([tf.tensor2d(z, [n, pair.latentDim]), oneHotLabels(labels, classes)]) as [tf.Tensor];
      out.set(await images.data(), start * per);
      images.dispose();
    }
  } finally {
    pass.dispose();
  }
  return out;
}

/**
 * The quality report of a trained `pair` (see the module comment) on its `train` and `validation`
 * data, on the active engine. The conditional section is there for a conditional pair whose data
 * has labels.
 */
export async function qualityReport(pair: ModelPair, data: { train: Dataset; validation: Dataset }, options: QualityReportOptions): Promise<QualityReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? REPORT_DEFAULTS.batchSize;
  const validation = await collect(data.validation, options.validationImages ?? data.validation.size, batchSize);
  const errors = await reconstructionErrors(pair, validation, batchSize, { compile: options.compile, log: options.log });
  let sumDb = 0;
  let sumMse = 0;
  for (const e of errors) {
    sumDb += psnrDb(e);
    sumMse += e;
  }
  const report: QualityReport = {
    format: REPORT_FORMAT,
    reconstruction: {
      images: validation.count,
      meanDb: validation.count ? sumDb / validation.count : 0,
      pooledDb: validation.count ? psnrDb(sumMse / validation.count) : 0,
    },
    seconds: 0,
  };
  const classes = classCount(pair);
  if (classes !== undefined && validation.labels) {
    const k = options.k ?? REPORT_DEFAULTS.k;
    const reference = await collect(data.train, options.referenceImages ?? REPORT_DEFAULTS.referenceImages, batchSize, options.seed);
    if (reference.labels) {
      const knn = new KnnClassifier(reference.images, reference.labels, { k, classes });
      try {
        const perClass = options.samplesPerClass ?? REPORT_DEFAULTS.samplesPerClass;
        const real = await knn.predict(validation.images);
        const fake = await knn.predict(await generate(pair, classes, perClass, options.seed, batchSize, { compile: options.compile, log: options.log }));
        const names = pair.spec.conditional!.classes;
        const rows: ClassQuality[] = names.map((name, c) => {
          let hits = 0;
          for (let i = c * perClass; i < (c + 1) * perClass; i++) if (fake[i] === c) hits++;
          let seen = 0;
          let right = 0;
          validation.labels!.forEach((label, i) => {
            if (label !== c) return;
            seen++;
            if (real[i] === c) right++;
          });
          return { class: name, fidelity: perClass ? hits / perClass : 0, knnAccuracy: seen ? right / seen : 0 };
        });
        let correct = 0;
        validation.labels.forEach((label, i) => (correct += real[i] === label ? 1 : 0));
        const knnAccuracy = validation.count ? correct / validation.count : 0;
        const fidelity = rows.reduce((a, r) => a + r.fidelity, 0) / rows.length;
        report.conditional = {
          k,
          referenceImages: reference.count,
          validationImages: validation.count,
          samplesPerClass: perClass,
          knnAccuracy,
          fidelity,
          ratio: knnAccuracy > 0 ? fidelity / knnAccuracy : 0,
          perClass: rows,
        };
      } finally {
        knn.dispose();
      }
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
