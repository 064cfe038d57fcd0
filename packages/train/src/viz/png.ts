/** Shared plumbing of the PNG writers: SVG rendering through sharp, atomic writes, axis ticks, colours. */
import sharp from 'sharp';
import { writeFileAtomic } from '@latentkit/format/node';

/** The font for every label; fonts-dejavu-core provides it (librsvg falls back to any sans otherwise). */
export const FONT = "font-family=\"DejaVu Sans, sans-serif\"";

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Renders an SVG document to a PNG file, written atomically. */
export async function writeSvgPng(path: string, svg: string): Promise<void> {
  const png = await sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' }).png().toBuffer();
  await writeFileAtomic(path, png);
}

/** Writes raw 8-bit pixels as a PNG, atomically. */
export async function writeRawPng(path: string, pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<void> {
  const png = await sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
  await writeFileAtomic(path, png);
}

/** "Nice" tick positions (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi], about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

export function formatTick(v: number): string {
  return Number(v.toPrecision(6)).toString();
}

/** matplotlib's 'rainbow' colour map (the book's scatter): r = |2x - 0.5|, g = sin(pi x), b = cos(pi x / 2). */
export function rainbow(x: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, x));
  const f = (v: number) => Math.round(255 * Math.max(0, Math.min(1, v)));
  return [f(Math.abs(2 * t - 0.5)), f(Math.sin(Math.PI * t)), f(Math.cos((Math.PI * t) / 2))];
}

export function hexColor([r, g, b]: [number, number, number]): string {
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}
