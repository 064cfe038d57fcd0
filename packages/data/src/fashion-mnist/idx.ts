/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): two zero bytes, a
 * type byte (0x08 = unsigned byte), a dimension count, that many big-endian uint32 sizes, then the
 * data. Files may be gzip-compressed (detected by content, whatever the name says).
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors.ts';

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Reads an unsigned-byte IDX file, raw or gzipped, checking magic, type, dims and length. */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new DataError(`Cannot read IDX file ${path}: ${(cause as Error).message}`, { file: path, cause });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new DataError(
        `IDX file ${path} is gzip data that does not decompress (${(cause as Error).message}); ` +
          'it is probably truncated: download it again',
        { file: path, cause },
      );
    }
  }
  return decodeIdx(bytes, path);
}

/** Parses IDX bytes (already decompressed); `path` only names the source in errors. */
export function decodeIdx(bytes: Uint8Array, path = '<buffer>'): IdxArray {
  const fail = (what: string) => new DataError(`IDX file ${path}: ${what}`, { file: path });
  if (bytes.length < 4) throw fail(`only ${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`magic number starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00: not an IDX file`);
  }
  const type = bytes[2];
  if (type !== UBYTE) {
    const name = TYPE_NAMES[type] ?? 'unknown';
    throw fail(`data type ${hex(type)} (${name}); only 0x08 (unsigned byte images/labels) is supported`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw fail('0 dimensions; expected at least 1');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw fail(`truncated header: ${ndims} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let expected = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    expected *= d;
  }
  const found = bytes.length - headerBytes;
  if (found < expected) {
    throw fail(
      `truncated: dims [${dims.join(', ')}] need ${expected} data bytes, found ${found} ` +
        `(${expected - found} missing); download the file again`,
    );
  }
  if (found > expected) {
    throw fail(`dims [${dims.join(', ')}] need ${expected} data bytes, found ${found} (${found - expected} extra)`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Encodes an unsigned-byte IDX array (e.g. to export a split in the standard format). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== data.length) {
    throw new DataError(`encodeIdx: dims [${dims.join(', ')}] need ${expected} bytes, received ${data.length}`);
  }
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(v: number): string {
  return '0x' + v.toString(16).padStart(2, '0');
}
