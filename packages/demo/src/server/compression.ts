/**
 * Content-Encoding for the static server: brotli or gzip, chosen from the request's
 * Accept-Encoding (RFC 9110 §12.5.3: q-values, `*`, `identity`).
 *
 * Big files that never change (onnxruntime-web's wasm) are compressed at build time and sit beside
 * the original as `NAME.br` / `NAME.gz` (src/build/ort-assets.ts). Anything else compressible
 * (bundles, the page's scripts) is compressed on first request and kept in memory, keyed by path,
 * size and mtime, so a re-exported bundle is compressed again.
 */
import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Types worth compressing: text, JSON, wasm and ONNX (float weights shrink ~10%, int8 more). */
const COMPRESSIBLE = /\.(html|js|mjs|css|json|jsonl|map|svg|txt|wasm|onnx)$/i;
/** Below this the headers cost more than compression saves. */
const MIN_BYTES = 1024;

export function isCompressible(path: string, size: number): boolean {
  return size >= MIN_BYTES && COMPRESSIBLE.test(path);
}

/**
 * The encoding to send for an Accept-Encoding header: brotli if acceptable, else gzip, else none.
 * An encoding is acceptable when listed (or matched by `*`) with q > 0.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const ok = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return undefined;
}

const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/** A precompressed sibling (`file.br` / `file.gz`) no older than the file itself, if there is one. */
export async function precompressedSibling(file: string, mtime: Date, encoding: Encoding): Promise<{ path: string; size: number } | undefined> {
  try {
    const s = await stat(file + SUFFIX[encoding]);
    return s.isFile() && s.mtimeMs >= mtime.getTime() ? { path: file + SUFFIX[encoding], size: s.size } : undefined;
  } catch {
    return undefined;
  }
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** On-the-fly results, at most this many bytes in total (oldest dropped first). */
const MEMORY_LIMIT = 64 * 1024 * 1024;
const memory = new Map<string, Promise<Buffer>>();
let memoryBytes = 0;

/**
 * `file` compressed with `encoding`, from memory when the same (path, size, mtime) was compressed
 * before. Brotli at quality 11 for files under 512 KB, 5 above (a 1 MB ONNX file in ~30 ms).
 */
export function compressedBytes(file: string, size: number, mtime: Date, encoding: Encoding): Promise<Buffer> {
  const key = `${encoding} ${mtime.getTime()} ${size} ${file}`;
  let p = memory.get(key);
  if (p) {
    // Most recently used last, so eviction drops the oldest.
    memory.delete(key);
    memory.set(key, p);
    return p;
  }
  p = (async () => {
    const bytes = await readFile(file);
    const out =
      encoding === 'br'
        ? await brotli(bytes, {
            params: {
              [zlibConstants.BROTLI_PARAM_QUALITY]: bytes.length < 512 * 1024 ? 11 : 5,
              [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          })
        : await gz(bytes, { level: 6 });
    memoryBytes += out.length;
    for (const [k, v] of memory) {
      if (memoryBytes <= MEMORY_LIMIT || k === key) break;
      memory.delete(k);
      memoryBytes -= (await v.catch(() => Buffer.alloc(0))).length;
    }
    return out;
  })();
  memory.set(key, p);
  p.catch(() => memory.delete(key));
  return p;
}
