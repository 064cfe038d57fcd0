/**
 * A decompression bomb for the upload tests: an all-zero 1-bit greyscale PNG of `size` x `size`
 * (`size` a multiple of 8), ~2 KB on the wire for size^2 pixels to decode.
 */
import { crc32, deflateSync } from 'node:zlib';

export function zeroPng(size: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 1; // bit depth 1, colour type 0 (greyscale)
  const rows = Buffer.alloc(size * (1 + size / 8)); // each row: filter 0 and size/8 zero bytes
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}
