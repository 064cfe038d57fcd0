/**
 * What the TensorBoard log shows of the model after each epoch, besides losses: originals against
 * reconstructions of fixed validation images, and the encoder's latent values on them. The VAEs'
 * reconstructions decode z_mean (no sampling noise, so epochs are comparable image by image); their
 * latents are z_mean and z_log_var, the AE's its z.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withLabels, type ModelPair } from '@latentkit/models';
import type { Dataset } from '../types.ts';
import { renderImageGrid, type RenderedPng } from './pictures.ts';

/** Images of a dataset, flattened NHWC values in [0, 1]. */
export interface ImageSet {
  images: Float32Array;
  count: number;
  /** Class index per image, when the data has labels (a conditional VAE's encoder and decoder need them). */
  labels?: Int32Array;
}

/** The first `limit` images of `data` in order (fewer when it holds fewer). @throws DataError from the dataset. */
export async function firstImages(data: Dataset, limit: number): Promise<ImageSet> {
  const per = data.imageShape.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  let count = 0;
  for await (const batch of data.batches(Math.min(limit, 250), { shuffle: false })) {
    const take = Math.min(batch.count, limit - count);
    parts.push(batch.images.slice(0, take * per));
    if (batch.labels) labels.push(...batch.labels.subarray(0, take));
    count += take;
    if (count >= limit) break;
  }
  const images = new Float32Array(count * per);
  parts.reduce((offset, p) => (images.set(p, offset), offset + p.length), 0);
  return labels.length === count ? { images, count, labels: Int32Array.from(labels) } : { images, count };
}

/** The encoder's mean latents (z_mean for the VAEs, z for the AE) as a tensor [n, latentDim]; caller disposes. */
function meanLatents(pair: ModelPair, x: tf.Tensor4D, labels?: Int32Array): { mean: tf.Tensor; logVar?: tf.Tensor } {
  if (pair.spec.type === 'ae') return { mean: pair.encoder.predict(x) as tf.Tensor };
  const [mean, logVar, z] = pair.encoder.predict(withLabels(pair, x, labels)) as tf.Tensor[];
  z.dispose();
  return { mean, logVar };
}

/** Originals (top row) against their reconstructions (bottom row) of the first `n` images of `set`, as a PNG. */
export async function reconstructionGrid(pair: ModelPair, set: ImageSet, n: number): Promise<RenderedPng> {
  const count = Math.min(n, set.count);
  const per = pair.imageShape.reduce((a, b) => a * b, 1);
  const originals = set.images.subarray(0, count * per);
  const recon = tf.tidy(() => {
    const labels = set.labels?.subarray(0, count);
    const { mean, logVar } = meanLatents(pair, tf.tensor4d(originals, [count, ...pair.imageShape]), labels);
    logVar?.dispose();
    return pair.decoder.predict(withLabels(pair, mean, labels)) as tf.Tensor;
  });
  const both = new Float32Array(2 * count * per);
  both.set(originals, 0);
  both.set((await recon.data()) as Float32Array, count * per);
  recon.dispose();
  // No row labels: drawing them (SVG text through sharp) costs more than the grid itself.
  return renderImageGrid(both, pair.imageShape, { columns: count, scale: pair.imageShape[0] < 64 ? 2 : 1 });
}

/** Images per encoder call in latentValues (bounds wasm memory on the faces VAE). */
const LATENT_CHUNK = 100;

/**
 * The encoder's latent values on every image of `set`, by name: VAEs {z_mean, z_log_var}, AE {z};
 * each [count * latentDim] row-major. Encodes LATENT_CHUNK images at a time.
 */
export async function latentValues(pair: ModelPair, set: ImageSet): Promise<Record<string, Float32Array>> {
  const per = pair.imageShape.reduce((a, b) => a * b, 1);
  const names = pair.spec.type === 'ae' ? ['z'] : ['z_mean', 'z_log_var'];
  const out = Object.fromEntries(names.map((n) => [n, new Float32Array(set.count * pair.latentDim)]));
  for (let start = 0; start < set.count; start += LATENT_CHUNK) {
    const n = Math.min(LATENT_CHUNK, set.count - start);
    const { mean, logVar } = tf.tidy(() => meanLatents(pair, tf.tensor4d(set.images.subarray(start * per, (start + n) * per), [n, ...pair.imageShape]), set.labels?.subarray(start, start + n)));
    try {
      out[names[0]].set((await mean.data()) as Float32Array, start * pair.latentDim);
      if (logVar) out.z_log_var.set((await logVar.data()) as Float32Array, start * pair.latentDim);
    } finally {
      mean.dispose();
      logVar?.dispose();
    }
  }
  return out;
}
