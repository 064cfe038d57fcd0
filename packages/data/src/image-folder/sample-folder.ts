/**
 * writeMixedFolder: a sample folder of mixed images, as a new user's would be (to try pnpm train
 * --data, and for the tests and the end-to-end check): PNG and JPEG (plus one WebP, GIF, TIFF and an
 * RGBA PNG), different sizes and aspect ratios, a few grey ones, one corrupt file and a notes file,
 * in two subfolders (so labels are inferred). Pictures are drawn (a coloured disc on a gradient),
 * deterministic per seed, so a model has something to learn.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng } from '@latentkit/format';

export interface MixedFolderOptions {
  /** Images to write (the corrupt file and notes come on top); default 300. */
  count?: number;
  seed?: number;
}

export interface MixedFolder {
  dir: string;
  /** Relative paths of what was written. */
  images: string[];
  corrupt: string;
  grey: string[];
}

/** One drawn picture: a disc of a random colour and place on a two-colour gradient, w x h x 3 bytes. */
function draw(w: number, h: number, rnd: () => number, roundish: boolean): Buffer {
  const px = Buffer.alloc(w * h * 3);
  const a = [rnd() * 255, rnd() * 255, rnd() * 255];
  const b = [rnd() * 255, rnd() * 255, rnd() * 255];
  const disc = [rnd() * 255, rnd() * 255, rnd() * 255];
  const cx = (0.3 + 0.4 * rnd()) * w;
  const cy = (0.3 + 0.4 * rnd()) * h;
  const r = (0.15 + 0.2 * rnd()) * Math.min(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = y / h;
      const d = roundish ? Math.hypot(x - cx, y - cy) : Math.max(Math.abs(x - cx), Math.abs(y - cy));
      for (let c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = d < r ? disc[c]! : a[c]! * (1 - t) + b[c]! * t;
    }
  }
  return px;
}

/** Writes the folder under `dir` (see the module comment). */
export async function writeMixedFolder(dir: string, options: MixedFolderOptions = {}): Promise<MixedFolder> {
  const count = options.count ?? 300;
  const rnd = createRng(options.seed ?? 1);
  const images: string[] = [];
  const grey: string[] = [];
  for (const sub of ['discs', 'squares']) mkdirSync(join(dir, sub), { recursive: true });
  for (let i = 0; i < count; i++) {
    const roundish = i % 2 === 0;
    const sub = roundish ? 'discs' : 'squares';
    const w = 40 + Math.floor(rnd() * 120);
    const h = 40 + Math.floor(rnd() * 120);
    const raw = sharp(draw(w, h, rnd, roundish), { raw: { width: w, height: h, channels: 3 } });
    const isGrey = i % 25 === 3;
    const kind = i === 5 ? 'webp' : i === 7 ? 'gif' : i === 9 ? 'tiff' : i === 11 ? 'rgba' : i % 3 === 0 ? 'jpg' : 'png';
    const name = `${sub}/img-${String(i).padStart(4, '0')}.${kind === 'rgba' ? 'png' : kind}`;
    const p = (isGrey ? raw.greyscale() : raw);
    if (kind === 'jpg') await p.jpeg({ quality: 90 }).toFile(join(dir, name));
    else if (kind === 'webp') await p.webp().toFile(join(dir, name));
    else if (kind === 'gif') await p.gif().toFile(join(dir, name));
    else if (kind === 'tiff') await p.tiff().toFile(join(dir, name));
    else if (kind === 'rgba') await p.ensureAlpha(0.5).png().toFile(join(dir, name));
    else await p.png().toFile(join(dir, name));
    images.push(name);
    if (isGrey) grey.push(name);
  }
  const corrupt = 'squares/broken.jpg';
  writeFileSync(join(dir, corrupt), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('this is not really a JPEG')]));
  writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
  return { dir, images, corrupt, grey };
}
