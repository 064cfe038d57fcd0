/**
 * A split of an image-folder cache as a Dataset: batches are read from the cache file with
 * positioned reads (one per image when shuffled, one per batch in order), converted to float32 in
 * [0, 1], and dropped; the JS heap holds one batch, never the folder.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { ImageShape } from '@latentkit/format';
import { BYTE_TO_UNIT, batchRanges, passOrder } from '../batch-order.ts';
import type { Batch, BatchOptions, Dataset } from '../types.ts';

export interface CacheSplitArgs {
  name: string;
  source: string;
  path: string;
  bodyOffset: number;
  imageShape: ImageShape;
  /** Total images in the cache (attributes follow the pixels of all of them). */
  total: number;
  /** Cache indices of this split's images, ascending. */
  indices: Uint32Array;
  labels?: Int32Array;
  labelNames?: string[];
  attributes?: Int8Array;
  attributeNames?: string[];
}

export class ImageFolderDataset implements Dataset {
  readonly name: string;
  readonly source: string;
  readonly size: number;
  readonly imageShape: ImageShape;
  readonly labelNames?: string[];
  readonly attributeNames?: string[];
  private readonly args: CacheSplitArgs;

  constructor(args: CacheSplitArgs) {
    this.args = args;
    this.name = args.name;
    this.source = args.source;
    this.size = args.indices.length;
    this.imageShape = args.imageShape;
    if (args.labelNames) this.labelNames = args.labelNames;
    if (args.attributeNames) this.attributeNames = args.attributeNames;
  }

  /** The relative order of this split's items: positions into `indices` (shuffled by seed when asked). */
  async *batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<Batch> {
    const order = passOrder(this.size, options);
    const ranges = batchRanges(this.size, batchSize, options.dropRemainder);
    const fd = openSync(this.args.path, 'r');
    try {
      const per = this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
      const buffer = Buffer.alloc(batchSize * per);
      for (const [start, end] of ranges) {
        yield this.read(fd, buffer, per, order.subarray(start, end), options.shuffle === true);
      }
    } finally {
      closeSync(fd);
    }
  }

  private read(fd: number, buffer: Buffer, per: number, positions: Uint32Array, shuffled: boolean): Batch {
    const { indices, bodyOffset } = this.args;
    const count = positions.length;
    const first = indices[positions[0]!]!;
    // In order and contiguous in the cache (no split interleaving): one read for the batch.
    const contiguous = !shuffled && indices[positions[count - 1]!]! - first === count - 1;
    if (contiguous) readSync(fd, buffer, 0, count * per, bodyOffset + first * per);
    else for (let k = 0; k < count; k++) readSync(fd, buffer, k * per, per, bodyOffset + indices[positions[k]!]! * per);
    const images = new Float32Array(count * per);
    for (let i = 0; i < count * per; i++) images[i] = BYTE_TO_UNIT[buffer[i]!]!;
    const batch: Batch = { images, count };
    if (this.args.labels) batch.labels = Int32Array.from(positions, (p) => this.args.labels![p]!);
    if (this.args.attributes && this.attributeNames) {
      const a = this.attributeNames.length;
      const out = new Int8Array(count * a);
      positions.forEach((p, k) => out.set(this.args.attributes!.subarray(p * a, (p + 1) * a), k * a));
      batch.attributes = out;
    }
    return batch;
  }
}
