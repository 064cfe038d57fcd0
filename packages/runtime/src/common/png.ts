/**
 * A small PNG codec on web-standard CompressionStream/DecompressionStream, so the HTTP app needs no
 * native module and runs unchanged in Node, browsers and edge runtimes. Reads and writes 8-bit,
 * non-interlaced gray, gray+alpha, RGB and RGBA; that is what canvases and sharp write by default.
 * Node's server swaps in sharp (src/node/images.ts) for JPEG and resizing.
 */
import { InputError } from './errors.ts';

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const COLOR_TYPE_CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 6: 4 };
const CHANNELS_COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export type Deflate = (data: Uint8Array) => Promise<Uint8Array>;
export type Inflate = (data: Uint8Array, maxBytes: number) => Promise<Uint8Array>;

async function streamAll(stream: ReadableStream<Uint8Array>, maxBytes = Infinity): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new InputError(`PNG image data inflates to more than the ${maxBytes} bytes its header allows.`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const webDeflate: Deflate = (data) =>
  streamAll(new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate')) as ReadableStream<Uint8Array>);

export const webInflate: Inflate = (data, maxBytes) =>
  streamAll(new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate')) as ReadableStream<Uint8Array>, maxBytes);

/** Encode 8-bit pixels (row-major, interleaved channels) as PNG. Filter 0 on every row: our images are small. */
export async function encodePng(image: RawImage, deflate: Deflate = webDeflate): Promise<Uint8Array> {
  const { data, width, height, channels } = image;
  const stride = width * channels;
  if (data.length !== stride * height) throw new RangeError(`encodePng: ${data.length} bytes for ${width}x${height}x${channels}.`);
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const idat = await deflate(raw);
  const out = new Uint8Array(8 + 25 + 12 + idat.length + 12);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let o = 8;
  const chunk = (type: string, body: Uint8Array) => {
    view.setUint32(o, body.length);
    for (let i = 0; i < 4; i++) out[o + 4 + i] = type.charCodeAt(i);
    out.set(body, o + 8);
    view.setUint32(o + 8 + body.length, crc32(out, o + 4, o + 8 + body.length));
    o += 12 + body.length;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = CHANNELS_COLOR_TYPE[channels];
  chunk('IHDR', ihdr);
  chunk('IDAT', idat);
  chunk('IEND', new Uint8Array(0));
  return out;
}

export interface DecodeLimits {
  /** Refuse images with more pixels than this before inflating anything. */
  maxPixels?: number;
}

/** Decode a PNG; errors are InputError naming what is wrong with the file. */
export async function decodePng(bytes: Uint8Array, limits: DecodeLimits = {}, inflate: Inflate = webInflate): Promise<RawImage> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new InputError('Not a PNG file (bad signature). Send an 8-bit PNG.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  let width = 0;
  let height = 0;
  let channels: 1 | 2 | 3 | 4 | undefined;
  const idat: Uint8Array[] = [];
  let sawEnd = false;
  while (o + 12 <= bytes.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    if (o + 12 + len > bytes.length) throw new InputError(`PNG chunk ${type} runs past the end of the file (truncated upload?).`);
    const body = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      if (len !== 13) throw new InputError('PNG IHDR chunk has the wrong length.');
      width = view.getUint32(o + 8);
      height = view.getUint32(o + 12);
      const depth = body[8];
      const colorType = body[9];
      const interlace = body[12];
      channels = COLOR_TYPE_CHANNELS[colorType];
      if (depth !== 8 || !channels) {
        throw new InputError(`PNG has bit depth ${depth} and color type ${colorType}; send 8-bit gray, gray+alpha, RGB or RGBA.`);
      }
      if (interlace !== 0) throw new InputError('Interlaced PNGs are not supported; save it without interlacing.');
      if (width === 0 || height === 0) throw new InputError(`PNG is ${width}x${height}; it has no pixels.`);
      if (limits.maxPixels !== undefined && width * height > limits.maxPixels) {
        throw new InputError(`PNG is ${width}x${height}, more than the ${limits.maxPixels} pixels allowed here.`);
      }
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    o += 12 + len;
  }
  if (!channels) throw new InputError('PNG has no IHDR chunk.');
  if (idat.length === 0) throw new InputError('PNG has no image data (IDAT).');
  if (!sawEnd) throw new InputError('PNG has no IEND chunk (truncated upload?).');
  const compressed = new Uint8Array(idat.reduce((s, p) => s + p.length, 0));
  let p = 0;
  for (const part of idat) {
    compressed.set(part, p);
    p += part.length;
  }
  const stride = width * channels;
  const expected = (stride + 1) * height;
  let raw: Uint8Array;
  try {
    raw = await inflate(compressed, expected);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`PNG image data is not valid zlib data: ${(e as Error).message}`);
  }
  if (raw.length < expected) throw new InputError(`PNG image data holds ${raw.length} bytes; ${width}x${height}x${channels} needs ${expected}.`);
  const out = new Uint8Array(stride * height);
  const bpp = channels;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const prev = dst - stride;
    for (let x = 0; x < stride; x++) {
      const v = raw[src + x];
      const a = x >= bpp ? out[dst + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let r: number;
      switch (filter) {
        case 0: r = v; break;
        case 1: r = v + a; break;
        case 2: r = v + b; break;
        case 3: r = v + ((a + b) >> 1); break;
        case 4: {
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          r = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new InputError(`PNG row ${y} uses unknown filter type ${filter}; the file is corrupt.`);
      }
      out[dst + x] = r & 0xff;
    }
  }
  return { data: out, width, height, channels };
}
