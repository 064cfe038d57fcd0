/**
 * The book's get_vector_from_label for many attributes at once over a streamed dataset (CelebA is
 * 200k images): shuffled batches (book: 128) are encoded once, z is SAMPLED (z_mean + exp(z_log_var/2)
 * * eps, seeded), and every attribute keeps its own running means and stops on its own once the means
 * move less than the threshold; the pass ends when all have stopped or the data runs out.
 */
import { AttributeMeans } from '../common/attribute-vector.ts';
import { InputError } from '../common/errors.ts';
import { createRng, normals } from '@latentkit/format';
import type { AttributeVectorResult, LatentModel } from '../common/latent-model.ts';

/**
 * What the pass reads from a dataset: shuffled batches of images in [0, 1] (NHWC, flattened) with
 * +1 / -1 attribute columns. A Dataset of @latentkit/data (e.g. loadCelebA's) has this shape; the
 * runtime does not depend on the train package for it.
 */
export interface AttributeDataset {
  readonly name: string;
  /** Height, width, channels. */
  readonly imageShape: readonly [number, number, number];
  readonly attributeNames?: readonly string[];
  batches(
    batchSize: number,
    options?: { shuffle?: boolean; seed?: number },
  ): AsyncIterable<{ images: Float32Array; count: number; attributes?: Int8Array }>;
}

export interface AttributeVectorsOptions {
  /** Attribute names to compute (default: every attribute of the dataset). */
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
  const all = dataset.attributeNames ?? [];
  if (!all.length) throw new InputError(`Dataset "${dataset.name}" has no attribute columns; pass a CelebA-format folder (list_attr_celeba.csv).`);
  const names = options.names ?? all;
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length) throw new InputError(`Unknown attribute(s) ${unknown.join(', ')}. The dataset has: ${all.join(', ')}.`);
  const [h, w, c] = model.imageShape;
  const [dh, dw, dc] = dataset.imageShape;
  if (h !== dh || w !== dw || c !== dc) throw new InputError(`Dataset images are ${dh}x${dw}x${dc}; the model takes ${h}x${w}x${c}.`);

  const seed = options.seed ?? 0;
  const rng = createRng(seed + 1);
  const columns = names.map((n) => all.indexOf(n));
  const means = names.map(() => new AttributeMeans(model.latentDim, options.threshold ?? 0.08));
  let batches = 0;
  for await (const batch of dataset.batches(options.batchSize ?? 128, { shuffle: true, seed })) {
    if (!batch.attributes) throw new InputError(`Dataset "${dataset.name}" gave a batch without attributes.`);
    const { mean, logVar } = await model.encode({ data: batch.images, shape: [batch.count, h, w, c] });
    let z = mean.data;
    if (logVar) {
      const eps = normals(rng, z.length);
      z = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) z[i] = mean.data[i] + Math.exp(0.5 * logVar.data[i]) * eps[i];
    }
    const attrs = batch.attributes;
    const stride = all.length;
    means.forEach((m, k) => m.add(z, (i) => attrs[i * stride + columns[k]]));
    batches++;
    const pending = means.filter((m) => !m.converged).length;
    options.onBatch?.(batches, pending);
    if (pending === 0) break;
  }
  return Object.fromEntries(names.map((n, k) => [n, means[k].result()]));
}
