import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { readImageSize } from './image-header.ts';

test('reads the size sharp reports for PNG, JPEG (baseline and progressive), GIF and WebP (lossy, lossless, alpha), without decoding', async () => {
  const sizes: [number, number][] = [[1, 1], [33, 7], [640, 480], [4096, 3]];
  for (const [width, height] of sizes) {
    const base = () => sharp({ create: { width, height, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } });
    const files: [string, Buffer][] = [
      ['png', await base().png().toBuffer()],
      ['jpeg', await base().jpeg().toBuffer()],
      ['jpeg', await base().jpeg({ progressive: true }).toBuffer()],
      ['gif', await base().gif().toBuffer()],
      ['webp', await base().flatten().webp({ lossless: false }).toBuffer()],
      ['webp', await base().webp({ lossless: true }).toBuffer()],
      ['webp', await base().webp({ alphaQuality: 50 }).toBuffer()],
    ];
    for (const [format, bytes] of files) {
      const m = await sharp(bytes).metadata();
      assert.deepEqual(readImageSize(bytes), { format, width: m.width, height: m.height }, `${format} ${width}x${height}`);
    }
  }
});

test('returns null for other bytes and for truncated headers', () => {
  assert.equal(readImageSize(new TextEncoder().encode('hello, world, not an image at all')), null);
  assert.equal(readImageSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), null);
  assert.equal(readImageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00])), null);
});
