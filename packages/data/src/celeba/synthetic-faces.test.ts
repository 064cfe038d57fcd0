import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawFace, faceSpecs, writeSyntheticFaces, type FaceSpec } from './synthetic-faces.ts';
import type { Rgb } from './face-raster.ts';

const MOUTH: Rgb = [150, 45, 55];

function pixel(spec: FaceSpec, bytes: Uint8Array, x: number, y: number): Rgb {
  const o = (Math.round(y) * spec.width + Math.round(x)) * 3;
  return [bytes[o], bytes[o + 1], bytes[o + 2]];
}
const dist = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

test('each drawn attribute is visible where the spec puts it', () => {
  const specs = [...faceSpecs(120, 11)];
  const seen = { glasses: 0, smile: 0, blond: 0, male: 0, beard: 0, hat: 0 };
  for (const f of specs) {
    const a = f.attributes;
    const px = drawFace(f).toBytes();
    const at = (x: number, y: number) => pixel(f, px, x, y);
    // Glasses: the outer rim of the right lens, level with the eye.
    const lens = f.eyeR * 2.1;
    const t = Math.max(1.5, f.eyeR * 0.35);
    const rimX = f.cx + f.eyeDx + lens - t / 2;
    const nearRim = Math.min(...[-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => dist(at(rimX + dx, f.eyeY + dy), f.frame))));
    assert.equal(nearRim < 20, a.Eyeglasses, 'Eyeglasses');
    // Smile: in the drawn pixels, the mouth's middle sits well below its corners only when smiling.
    const mouthRow = (x: number) => {
      let sum = 0, n = 0;
      for (let y = f.mouthY - f.mouthHalfWidth; y <= f.mouthY + f.mouthHalfWidth; y++) {
        if (dist(at(x, y), MOUTH) < 12) { sum += y; n++; }
      }
      assert.ok(n > 0, 'mouth drawn');
      return sum / n;
    };
    const drop = mouthRow(f.cx) - (mouthRow(f.cx - 0.85 * f.mouthHalfWidth) + mouthRow(f.cx + 0.85 * f.mouthHalfWidth)) / 2;
    assert.equal(drop > 0.15 * f.mouthHalfWidth, a.Smiling, `Smiling (drop ${drop.toFixed(1)} px)`);
    // Long hair beside the jaw for women; background or neck for men.
    assert.equal(dist(at(f.cx + f.rx * 1.2, f.cy + f.ry * 0.3), f.hair) < 1, !a.Male, 'Male');
    // Beard shading on the cheek.
    assert.equal(dist(at(f.cx - f.rx * 0.5, f.cy + f.ry * 0.6), f.skin) < 1, a.No_Beard, 'No_Beard');
    // Hat or hair on the crown.
    const crown = at(f.cx, f.cy - f.ry * 0.9);
    assert.equal(dist(crown, f.hat) < 1, a.Wearing_Hat, 'Wearing_Hat');
    if (!a.Wearing_Hat) {
      assert.ok(dist(crown, f.hair) < 1);
      // Hair colour: the crown is nearest the palette colour the attributes name.
      const palette: Record<string, Rgb> = { Black_Hair: [28, 22, 20], Brown_Hair: [105, 66, 36], Blond_Hair: [228, 196, 118] };
      const nearest = Object.entries(palette).sort((p, q) => dist(crown, p[1]) - dist(crown, q[1]))[0][0];
      assert.ok(a[nearest as 'Black_Hair'], `hair nearest ${nearest}`);
    }
    assert.equal([a.Black_Hair, a.Blond_Hair, a.Brown_Hair].filter(Boolean).length, 1);
    seen.glasses += +a.Eyeglasses; seen.smile += +a.Smiling; seen.blond += +a.Blond_Hair;
    seen.male += +a.Male; seen.beard += +!a.No_Beard; seen.hat += +a.Wearing_Hat;
  }
  // Every attribute occurs both ways in 120 faces.
  for (const [k, v] of Object.entries(seen)) assert.ok(v > 5 && v < 115, `${k}: ${v}`);
});

test('the same seed writes byte-identical files, another seed different ones', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lk-faces-'));
  try {
    const a = await writeSyntheticFaces(join(root, 'a'), { count: 6, seed: 3, size: 64 });
    await writeSyntheticFaces(join(root, 'b'), { count: 6, seed: 3, size: 64 });
    await writeSyntheticFaces(join(root, 'c'), { count: 6, seed: 4, size: 64 });
    assert.equal(a.count, 6);
    assert.deepEqual(await readdir(join(root, 'a', 'img_align_celeba')), ['000001.jpg', '000002.jpg', '000003.jpg', '000004.jpg', '000005.jpg', '000006.jpg']);
    for (const f of ['list_attr_celeba.csv', 'img_align_celeba/000001.jpg', 'img_align_celeba/000006.jpg']) {
      assert.deepEqual(await readFile(join(root, 'a', f)), await readFile(join(root, 'b', f)), f);
    }
    assert.notDeepEqual(await readFile(join(root, 'a', 'img_align_celeba/000001.jpg')), await readFile(join(root, 'c', 'img_align_celeba/000001.jpg')));
    await assert.rejects(writeSyntheticFaces(join(root, 'd'), { count: 0 }), /count must be a positive integer/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
