/**
 * Synthetic CelebA: simple drawn faces whose attributes are known because they were drawn, written in
 * CelebA's Kaggle layout (img_align_celeba/000001.jpg ..., list_attr_celeba.csv with +1/-1 columns),
 * so tests and the offline demo run through the real loader (loadCelebA) unchanged.
 *
 * Each face is sampled from a seeded RNG (attributes, then geometry and colours) and rasterised by
 * face-raster.ts. Default size 178x218, CelebA's aligned size, so loading exercises the resize.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { DataOptionError } from '../errors.ts';
import { createRng, type Rng } from '@latentkit/format';
import { writeFileAtomic } from '@latentkit/format/node';
import { Canvas, capsule, clip, curve, ellipse, ring, type Rgb } from './face-raster.ts';

/** Columns of the written CSV, in CelebA's (alphabetical) order; all are real CelebA attribute names. */
export const SYNTHETIC_ATTRIBUTES = [
  'Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Eyeglasses', 'Male', 'No_Beard', 'Smiling', 'Wearing_Hat',
] as const;
export type SyntheticAttribute = (typeof SYNTHETIC_ATTRIBUTES)[number];

/** Written beside the CSV; loadCelebA names such a set 'synthetic-faces'. */
export const SYNTHETIC_MARKER = 'synthetic-faces.json';
export const GENERATOR_VERSION = 1;

export interface FaceSpec {
  attributes: Record<SyntheticAttribute, boolean>;
  width: number;
  height: number;
  /** Face oval centre and radii. */
  cx: number; cy: number; rx: number; ry: number;
  skin: Rgb; hair: Rgb; backgroundTop: Rgb; backgroundBottom: Rgb; clothes: Rgb; hat: Rgb; frame: Rgb;
  eyeY: number; eyeDx: number; eyeR: number;
  mouthY: number; mouthHalfWidth: number; mouthSag: number;
}

const HAIR = { black: [28, 22, 20], brown: [105, 66, 36], blond: [228, 196, 118] } satisfies Record<string, Rgb>;

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}
function jitter(rng: Rng, c: Rgb, amount: number): Rgb {
  return c.map((v) => Math.max(0, Math.min(255, v + (rng() * 2 - 1) * amount))) as Rgb;
}
function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Draws one face's attributes, then its geometry and colours, from `rng`. */
export function sampleFaceSpec(rng: Rng, width = 178, height = 218): FaceSpec {
  const hairPick = rng();
  const hairKind = hairPick < 0.35 ? 'black' : hairPick < 0.7 ? 'brown' : 'blond';
  const male = rng() < 0.5;
  const beard = male && rng() < 0.5;
  const attributes: Record<SyntheticAttribute, boolean> = {
    Black_Hair: hairKind === 'black',
    Blond_Hair: hairKind === 'blond',
    Brown_Hair: hairKind === 'brown',
    Eyeglasses: rng() < 0.3,
    Male: male,
    No_Beard: !beard,
    Smiling: rng() < 0.5,
    Wearing_Hat: rng() < 0.2,
  };
  const s = between(rng, 0.92, 1.08);
  const cx = width * (0.5 + between(rng, -0.04, 0.04));
  const cy = height * (0.55 + between(rng, -0.03, 0.03));
  const rx = width * 0.25 * s;
  const ry = height * 0.27 * s;
  const skin = mix([250, 214, 186], [140, 92, 62], rng() ** 1.5);
  const mouthHalfWidth = rx * between(rng, 0.36, 0.46);
  return {
    attributes, width, height, cx, cy, rx, ry,
    skin,
    hair: jitter(rng, HAIR[hairKind], 14),
    backgroundTop: jitter(rng, [150, 170, 190], 60),
    backgroundBottom: jitter(rng, [120, 130, 140], 60),
    clothes: jitter(rng, [80, 90, 130], 70),
    hat: jitter(rng, [150, 40, 40], 60),
    frame: jitter(rng, [30, 30, 40], 25),
    eyeY: cy - ry * between(rng, 0.12, 0.2),
    eyeDx: rx * between(rng, 0.38, 0.46),
    eyeR: rx * between(rng, 0.13, 0.17),
    mouthY: cy + ry * between(rng, 0.42, 0.5),
    mouthHalfWidth,
    // Smiles curve clearly up at the corners; neutral mouths are flat or turn slightly down.
    mouthSag: attributes.Smiling ? mouthHalfWidth * between(rng, 0.38, 0.5) : mouthHalfWidth * between(rng, -0.12, 0.04),
  };
}

/** Paints a spec: background, hair, body, face, beard, hair cap or hat, eyes, glasses, nose, mouth. */
export function drawFace(f: FaceSpec): Canvas {
  const a = f.attributes;
  const canvas = new Canvas(f.width, f.height);
  canvas.gradient(f.backgroundTop, f.backgroundBottom);
  const { cx, cy, rx, ry } = f;
  // Long hair falls behind the face down to the shoulders (not male).
  if (!a.Male) canvas.fill(clip(ellipse(cx, cy + 0.05 * ry, rx * 1.38, ry * 1.22), (_x, y) => y < cy + ry * 1.05), f.hair);
  // Neck and shoulders.
  canvas.fill(capsule(cx, cy + ry * 0.6, cx, cy + ry * 1.3, rx * 0.42), mix(f.skin, [0, 0, 0], 0.12));
  canvas.fill(ellipse(cx, f.height + ry * 0.25, rx * 1.9, ry * 0.75), f.clothes);
  canvas.fill(ellipse(cx, cy, rx, ry), f.skin);
  if (!a.No_Beard) {
    // Beard: the lower face shaded towards the hair colour, fading in over the cheeks.
    canvas.fill(clip(ellipse(cx, cy + ry * 0.12, rx * 0.98, ry * 0.86), (_x, y) => y > cy + ry * 0.12), mix(f.skin, f.hair, 0.35));
    canvas.fill(clip(ellipse(cx, cy + ry * 0.12, rx * 0.98, ry * 0.86), (_x, y) => y > cy + ry * 0.24), mix(f.skin, f.hair, 0.65));
  }
  // Hair cap over the top of the head: short for men, fuller for women.
  const capBottom = cy - ry * (a.Male ? 0.5 : 0.42);
  canvas.fill(clip(ellipse(cx, cy - ry * 0.2, rx * 1.07, ry * 0.9), (_x, y) => y < capBottom), f.hair);
  if (a.Wearing_Hat) {
    canvas.fill(clip(ellipse(cx, cy - ry * 0.62, rx * 0.95, ry * 0.62), (_x, y) => y < cy - ry * 0.55), f.hat);
    canvas.fill(capsule(cx - rx * 1.3, cy - ry * 0.58, cx + rx * 1.3, cy - ry * 0.58, ry * 0.07), mix(f.hat, [0, 0, 0], 0.25));
  }
  const eyebrow = mix(f.hair, [0, 0, 0], 0.3);
  for (const side of [-1, 1]) {
    const ex = cx + side * f.eyeDx;
    canvas.fill(capsule(ex - f.eyeR * 1.3, f.eyeY - f.eyeR * 1.7, ex + f.eyeR * 1.3, f.eyeY - f.eyeR * 1.95, f.eyeR * 0.25), eyebrow);
    canvas.fill(ellipse(ex, f.eyeY, f.eyeR * 1.35, f.eyeR * 0.85), [245, 245, 240]);
    canvas.fill(ellipse(ex, f.eyeY, f.eyeR * 0.6, f.eyeR * 0.6), [50, 40, 35]);
  }
  if (a.Eyeglasses) {
    const lens = f.eyeR * 2.1;
    const t = Math.max(1.5, f.eyeR * 0.35);
    for (const side of [-1, 1]) {
      const ex = cx + side * f.eyeDx;
      canvas.fill(ring(ex, f.eyeY, lens, lens * 0.8, t), f.frame);
      canvas.fill(capsule(ex + side * lens, f.eyeY - lens * 0.2, cx + side * rx * 0.98, f.eyeY - lens * 0.35, t * 0.5), f.frame);
    }
    canvas.fill(capsule(cx - f.eyeDx + lens - t, f.eyeY - lens * 0.15, cx + f.eyeDx - lens + t, f.eyeY - lens * 0.15, t * 0.5), f.frame);
  }
  canvas.fill(capsule(cx, f.eyeY + f.eyeR, cx - rx * 0.06, cy + ry * 0.22, rx * 0.06), mix(f.skin, [60, 30, 20], 0.25));
  canvas.fill(curve(cx, f.mouthY, f.mouthHalfWidth, f.mouthSag, Math.max(1.5, ry * 0.05)), [150, 45, 55]);
  return canvas;
}

export interface SyntheticFacesOptions {
  count: number;
  seed?: number;
  /** Width; height is width * 218 / 178 (CelebA's aspect). Default 178. At least 64. */
  size?: number;
}

/** The spec of every face a seed draws, in file order (000001.jpg first). */
export function* faceSpecs(count: number, seed = 0, size = 178): Generator<FaceSpec> {
  const rng = createRng(seed);
  const height = Math.round((size * 218) / 178);
  for (let i = 0; i < count; i++) yield sampleFaceSpec(rng, size, height);
}

export function imageFileName(index: number, count: number): string {
  return `${String(index + 1).padStart(Math.max(6, String(count).length), '0')}.jpg`;
}

/**
 * Writes `count` faces to outDir/img_align_celeba/ and their attributes to outDir/list_attr_celeba.csv
 * (plus synthetic-faces.json). Deterministic for a seed. Files are written atomically, CSV last.
 */
export async function writeSyntheticFaces(
  outDir: string,
  options: SyntheticFacesOptions,
): Promise<{ dir: string; count: number; attributeNames: string[] }> {
  const { count, seed = 0, size = 178 } = options;
  if (!Number.isInteger(count) || count < 1) throw new DataOptionError(`count must be a positive integer, received ${String(count)}`);
  if (!Number.isInteger(size) || size < 64) throw new DataOptionError(`size must be an integer >= 64, received ${String(size)}`);
  if (!Number.isFinite(seed)) throw new DataOptionError(`seed must be a finite number, received ${String(seed)}`);
  const imagesDir = join(outDir, 'img_align_celeba');
  await mkdir(imagesDir, { recursive: true });
  // A stale CSV must not describe half-rewritten images if this run is interrupted.
  await rm(join(outDir, 'list_attr_celeba.csv'), { force: true });
  const lines = [['image_id', ...SYNTHETIC_ATTRIBUTES].join(',')];
  let i = 0;
  const pending: Promise<void>[] = [];
  for (const spec of faceSpecs(count, seed, size)) {
    const name = imageFileName(i++, count);
    lines.push([name, ...SYNTHETIC_ATTRIBUTES.map((k) => (spec.attributes[k] ? '1' : '-1'))].join(','));
    const bytes = drawFace(spec).toBytes();
    pending.push(
      sharp(bytes, { raw: { width: spec.width, height: spec.height, channels: 3 } })
        .jpeg({ quality: 92 })
        .toBuffer()
        .then((jpeg) => writeFileAtomic(join(imagesDir, name), jpeg)),
    );
    // Bounded: drawing is synchronous, encoding runs on libvips threads meanwhile.
    if (pending.length >= 8) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await writeFileAtomic(
    join(outDir, SYNTHETIC_MARKER),
    JSON.stringify({ generator: 'latentkit synthetic faces', version: GENERATOR_VERSION, count, seed, width: size }, null, 2) + '\n',
  );
  await writeFileAtomic(join(outDir, 'list_attr_celeba.csv'), lines.join('\n') + '\n');
  return { dir: outDir, count, attributeNames: [...SYNTHETIC_ATTRIBUTES] };
}
