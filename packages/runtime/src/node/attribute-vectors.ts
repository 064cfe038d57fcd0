/**
 * The book's get_vector_from_label for many label columns at once over a streamed dataset (CelebA is
 * 200k images). A column is any attribute or class of the dataset (label-columns.ts: CelebA's or an
 * attribute CSV's +1/-1 columns; one class against the rest for subfolders or Fashion-MNIST). Shuffled batches (book: 128) are encoded once, z is SAMPLED (z_mean + exp(z_log_var/2)
 * * eps, seeded), and every attribute keeps its own running means and stops on its own once the means
 * move less than the threshold; the pass ends when all have stopped or the data runs out.
 */
import { AttributeMeans } from '../common/attribute-vector.ts';
import { InputError } from '../common/errors.ts';
import { labelColumns, type LabelledBatch } from './label-columns.ts';
import { createRng, normals } from '@latentkit/format';
import type { AttributeVectorResult, LatentModel } from '../common/latent-model.ts';

/**
 * What the pass reads from a dataset: shuffled batches of images in [0, 1] (NHWC, flattened) with
 * +1 / -1 attribute columns and/or class indices. A Dataset of @latentkit/data (loadImageFolder's,
 * loadCelebA's, loadFashionMnist's) has this shape; the runtime does not depend on that package for it.
 */
export interface AttributeDataset {
  readonly name: string;
  /** Height, width, channels. */
  readonly imageShape: readonly [number, number, number];
  readonly attributeNames?: readonly string[];
  /** Class names, index = label. */
  readonly labelNames?: readonly string[];
  batches(
    batchSize: number,
    options?: { shuffle?: boolean; seed?: number },
  ): AsyncIterable<LabelledBatch & { images: Float32Array }>;
}

export interface AttributeVectorsOptions {
  /** Column names to compute (default: every attribute and class of the dataset). */
  names?: readonly string[];
  batchSize?: number;
  threshold?: number;
  seed?: number;
  /** Called after each batch (progress). */
  onBatch?: (batches: number, pending: number) => void;
}

export async function computeAttributeVectors(
  model: LatentModel,
  dataset: AttributeDataset,
  options: AttributeVectorsOptions = {},
): Promise<Record<string, AttributeVectorResult>> {
  const columns = labelColumns(dataset);
  const all = columns.map((col) => col.name);
  const names = options.names ?? all;
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length) throw new InputError(`Unknown label column(s) ${unknown.join(', ')}. The dataset has: ${all.join(', ')}.`);
  const picked = names.map((n) => columns[all.indexOf(n)]);
  const [h, w, c] = model.imageShape;
  const [dh, dw, dc] = dataset.imageShape;
  if (h !== dh || w !== dw || c !== dc) throw new InputError(`Dataset images are ${dh}x${dw}x${dc}; the model takes ${h}x${w}x${c}.`);

  const seed = options.seed ?? 0;
  const rng = createRng(seed + 1);
  const means = names.map(() => new AttributeMeans(model.latentDim, options.threshold ?? 0.08));
  let batches = 0;
  for await (const batch of dataset.batches(options.batchSize ?? 128, { shuffle: true, seed })) {
    const { mean, logVar } = await model.encode({ data: batch.images, shape: [batch.count, h, w, c] });
    let z = mean.data;
    if (logVar) {
      const eps = normals(rng, z.length);
      z = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) z[i] = mean.data[i] + Math.exp(0.5 * logVar.data[i]) * eps[i];
    }
    means.forEach((m, k) => m.add(z, (i) => picked[k].value(batch, i)));
    batches++;
    const pending = means.filter((m) => !m.converged).length;
    options.onBatch?.(batches, pending);
    if (pending === 0) break;
  }
  return Object.fromEntries(names.map((n, k) => [n, means[k].result()]));
}
