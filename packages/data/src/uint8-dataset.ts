/**
 * A dataset held in memory as uint8 pixels (Fashion-MNIST, IDX files). Pixels stay uint8 (47 MB for
 * 60,000 images) and become float32 in [0, 1] one batch at a time, zero-padded to the output shape
 * as the book's preprocess() does with np.pad.
 */
import type { Batch, BatchOptions, Dataset, ImageShape } from './types.ts';
import { DataOptionError } from './errors.ts';
import { batchRanges, passOrder } from './batch-order.ts';

/** v / 255 as float32 for every byte: the book's `astype("float32") / 255.0`, without a division a pixel. */
export const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = v / 255;
  return t;
})();

export interface Uint8DatasetArgs {
  name: string;
  source: string;
  /** count * height * width * channels bytes, image after image, HWC. */
  pixels: Uint8Array;
  /** Shape of the stored images. */
  storedShape: ImageShape;
  /** Shape handed out; larger than storedShape by an equal zero border (e.g. 28 -> 32 pads 2 a side). */
  imageShape: ImageShape;
  labels?: Uint8Array | Int32Array;
  labelNames?: string[];
}

export class Uint8ImageDataset implements Dataset {
  readonly name: string;
  readonly source: string;
  readonly size: number;
  readonly imageShape: ImageShape;
  readonly labelNames?: string[];
  private readonly pixels: Uint8Array;
  private readonly storedShape: ImageShape;
  private readonly labels?: Uint8Array | Int32Array;
  private readonly padTop: number;
  private readonly padLeft: number;

  constructor(args: Uint8DatasetArgs) {
    const [sh, sw, sc] = args.storedShape;
    const [h, w, c] = args.imageShape;
    if (c !== sc || h < sh || w < sw || (h - sh) % 2 !== 0 || (w - sw) % 2 !== 0) {
      throw new DataOptionError(
        `imageShape [${args.imageShape}] must equal storedShape [${args.storedShape}] plus an even zero border`,
      );
    }
    const perImage = sh * sw * sc;
    if (args.pixels.length % perImage !== 0) {
      throw new DataOptionError(`pixels hold ${args.pixels.length} bytes, not a multiple of one image (${perImage})`);
    }
    this.size = args.pixels.length / perImage;
    if (args.labels && args.labels.length !== this.size) {
      throw new DataOptionError(`${args.labels.length} labels for ${this.size} images: they must match`);
    }
    this.name = args.name;
    this.source = args.source;
    this.pixels = args.pixels;
    this.storedShape = args.storedShape;
    this.imageShape = args.imageShape;
    this.labels = args.labels;
    if (args.labelNames) this.labelNames = args.labelNames;
    this.padTop = (h - sh) / 2;
    this.padLeft = (w - sw) / 2;
  }

  /** The raw stored bytes of image `index` (no padding, no scaling). */
  rawImage(index: number): Uint8Array {
    const per = this.storedShape[0] * this.storedShape[1] * this.storedShape[2];
    return this.pixels.subarray(index * per, (index + 1) * per);
  }

  /** The label of image `index`, when the dataset has labels. */
  label(index: number): number | undefined {
    return this.labels ? this.labels[index] : undefined;
  }

  async *batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<Batch> {
    const order = passOrder(this.size, options);
    for (const [start, end] of batchRanges(this.size, batchSize, options.dropRemainder)) {
      yield this.gather(order.subarray(start, end));
    }
  }

  /** Builds one batch from item indices. */
  gather(indices: ArrayLike<number>): Batch {
    const [sh, sw, c] = this.storedShape;
    const [h, w] = this.imageShape;
    const count = indices.length;
    const outPer = h * w * c;
    const rowBytes = sw * c;
    const images = new Float32Array(count * outPer); // zeros: the padding border
    const labels = this.labels ? new Int32Array(count) : undefined;
    for (let k = 0; k < count; k++) {
      const idx = indices[k];
      const src = this.rawImage(idx);
      const base = k * outPer + (this.padTop * w + this.padLeft) * c;
      for (let y = 0; y < sh; y++) {
        const o = base + y * w * c;
        const s = y * rowBytes;
        for (let x = 0; x < rowBytes; x++) images[o + x] = BYTE_TO_UNIT[src[s + x]];
      }
      if (labels) labels[k] = this.labels![idx];
    }
    return labels ? { images, count, labels } : { images, count };
  }
}
