/**
 * An image's size from its first bytes, without decoding it: what admission needs to refuse a
 * decompression bomb (a 575 KB request of all-zero 4096 x 4096 PNGs is ~4.3 G pixels to decode) before
 * any decoder runs. Formats and where their sizes sit:
 *
 *   PNG   signature, then the IHDR chunk: width and height, u32 big-endian at bytes 16 and 20
 *         (PNG spec, 11.2.2 IHDR)
 *   JPEG  the first SOFn marker (C0-C3, C5-C7, C9-CB, CD-CF): height then width, u16 big-endian,
 *         after the marker's length and precision (ITU T.81, B.2.2); markers before it are skipped by
 *         their lengths
 *   GIF   logical screen width and height, u16 little-endian at bytes 6 and 8 (GIF89a, 18)
 *   WebP  RIFF....WEBP then VP8 (lossy: 14-bit sizes at 26/28), VP8L (lossless: 14-bit fields packed
 *         after the 0x2f signature at 21) or VP8X (extended: 24-bit canvas size minus one at 24/27)
 *         (RFC 9649)
 *
 * Pure and platform-free; returns null for anything else or a truncated header (the caller decides:
 * the Node server then asks sharp's header reader, the edge codec only decodes PNG anyway).
 */
export interface ImageSize {
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  width: number;
  height: number;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const ascii = (b: Uint8Array, i: number, s: string) => b.length >= i + s.length && [...s].every((ch, k) => b[i + k] === ch.charCodeAt(0));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function png(b: Uint8Array): ImageSize | null {
  if (b.length < 24 || !PNG_SIGNATURE.every((v, i) => b[i] === v) || !ascii(b, 12, 'IHDR')) return null;
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
}

function jpeg(b: Uint8Array): ImageSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    if (SOF.has(marker)) return { format: 'jpeg', height: u16be(b, i + 5), width: u16be(b, i + 7) };
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan before any frame header
    i += 2 + u16be(b, i + 2);
  }
  return null;
}

function gif(b: Uint8Array): ImageSize | null {
  if (b.length < 10 || !(ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'))) return null;
  return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
}

function webp(b: Uint8Array): ImageSize | null {
  if (b.length < 30 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP')) return null;
  if (ascii(b, 12, 'VP8 ')) return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (ascii(b, 12, 'VP8L') && b[20] === 0x2f) {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8X')) return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return null;
}

/** The size the header declares, or null when the bytes are not a PNG, JPEG, GIF or WebP header. */
export function readImageSize(bytes: Uint8Array): ImageSize | null {
  return png(bytes) ?? jpeg(bytes) ?? gif(bytes) ?? webp(bytes);
}
