import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodePng, encodePng } from './png.ts';
import { InputError } from './errors.ts';

const gradient = (w: number, h: number, c: 1 | 2 | 3 | 4) => Uint8Array.from({ length: w * h * c }, (_, i) => (i * 37 + (i >> 3)) & 255);

test('round-trips gray, gray+alpha, RGB and RGBA through its own encoder and decoder', async () => {
  for (const c of [1, 2, 3, 4] as const) {
    const data = gradient(13, 7, c);
    const back = await decodePng(await encodePng({ data, width: 13, height: 7, channels: c }));
    assert.deepEqual(back, { data, width: 13, height: 7, channels: c });
  }
});

test('reads what sharp (libpng, adaptive filters) writes and writes what sharp reads', async () => {
  for (const c of [1, 3, 4] as const) {
    const data = gradient(31, 17, c);
    let img = sharp(data, { raw: { width: 31, height: 17, channels: c } });
    if (c === 1) img = img.toColourspace('b-w'); // sharp writes RGB unless told
    const png = await img.png({ adaptiveFiltering: true, compressionLevel: 9 }).toBuffer();
    const ours = await decodePng(new Uint8Array(png));
    assert.deepEqual(ours.data, data, `channels ${c}`);
    const ourPng = Buffer.from(await encodePng({ data, width: 31, height: 17, channels: c }));
    assert.equal((await sharp(ourPng).metadata()).channels, c);
    let reader = sharp(ourPng);
    if (c === 1) reader = reader.toColourspace('b-w');
    const theirs = await reader.raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual(new Uint8Array(theirs.data), data);
  }
});

test('refuses broken files with a message naming the problem', async () => {
  const good = await encodePng({ data: gradient(4, 4, 1), width: 4, height: 4, channels: 1 });
  await assert.rejects(decodePng(new Uint8Array([1, 2, 3])), (e: Error) => e instanceof InputError && /bad signature/.test(e.message));
  await assert.rejects(decodePng(good.slice(0, good.length - 20)), (e: Error) => e instanceof InputError);
  await assert.rejects(decodePng(good, { maxPixels: 8 }), /4x4, more than the 8 pixels/);
  const sixteen = new Uint8Array(await sharp(Buffer.alloc(8 * 8 * 2 * 3), { raw: { width: 8, height: 8, channels: 3 } }).toColourspace('rgb16').png().toBuffer());
  await assert.rejects(decodePng(sixteen), /bit depth 16/);
  const corrupt = good.slice();
  corrupt[45] ^= 0xff; // inside IDAT
  await assert.rejects(decodePng(corrupt), (e: Error) => e instanceof InputError);
});
