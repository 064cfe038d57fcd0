import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { contactSheetPng, imageToPixels, readImages, toJpeg, toPng, writeContactSheet } from './images.ts';

const gray = { data: Float32Array.from({ length: 2 * 32 * 32 }, (_, i) => (i % 32) / 31), shape: [2, 32, 32, 1] };

test('toPng and imageToPixels round-trip 8-bit exactly; toJpeg writes a JPEG of the right size', async () => {
  const png = await toPng(gray, 1);
  const back = await imageToPixels(png, [32, 32, 1]);
  back.forEach((v, i) => assert.ok(Math.abs(v - Math.round(gray.data[1024 + i] * 255) / 255) < 1e-7, `pixel ${i}`));
  const meta = await sharp(await toJpeg(gray, 0, 80)).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 32, 32]);
});

test('imageToPixels resizes and converts colour to the model shape', async () => {
  const rgb = await sharp({ create: { width: 178, height: 218, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
  const px = await imageToPixels(rgb, [64, 64, 3]);
  assert.equal(px.length, 64 * 64 * 3);
  assert.ok(Math.abs(px[0] - 1) < 1e-6 && px[1] < 0.01 && px[2] < 0.01);
  const g = await imageToPixels(rgb, [32, 32, 1]);
  assert.equal(g.length, 1024);
  await assert.rejects(imageToPixels(new Uint8Array([1, 2, 3]), [32, 32, 1]));
});

test('contact sheets: grid size, gaps, nearest-neighbour scale, atomic write; readImages stacks files', async () => {
  const sheet = await sharp(await contactSheetPng(gray, { cols: 2, gap: 2, scale: 3 })).metadata();
  assert.deepEqual([sheet.width, sheet.height], [(32 * 2 + 2) * 3, 32 * 3]);
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-images-'));
  try {
    await writeContactSheet(join(dir, 'sheet.png'), gray);
    assert.equal((await sharp(readFileSync(join(dir, 'sheet.png'))).metadata()).width, 65);
    writeFileSync(join(dir, 'a.png'), await toPng(gray, 0));
    writeFileSync(join(dir, 'b.png'), await toPng(gray, 1));
    const t = await readImages([join(dir, 'a.png'), join(dir, 'b.png')], [32, 32, 1]);
    assert.deepEqual(t.shape, [2, 32, 32, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
