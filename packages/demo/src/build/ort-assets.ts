/**
 * onnxruntime-web's wasm files, kept OUT of the JavaScript bundles, one build per backend.
 *
 * By default Vite follows onnxruntime-web's `new URL("ort-wasm…wasm", import.meta.url)` and emits
 * the 14-28 MB binary as a hashed asset, or, in a library build, inlines it as base64 into the
 * element script. We instead resolve onnxruntime-web's "extern wasm" builds (they load their glue
 * .mjs and .wasm from `env.wasmPaths`), copy exactly the files of the builds the runtime imports
 * (ORT_BUILD_FILES) into `ort/<content hash>/`, precompress them, and point the runtime there.
 * The folder name is a hash of the files, so the server may let browsers cache them forever.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

/** The export condition that selects onnxruntime-web's builds without embedded wasm glue. */
export const ORT_EXTERN_WASM_CONDITION = 'onnxruntime-web-use-extern-wasm';

/**
 * The files of each onnxruntime-web build the runtime's web entry imports
 * (packages/runtime/src/web/ort-web-builds.ts): wasm for the CPU backend, jspi and asyncify
 * (`onnxruntime-web/webgpu`) for WebGPU. The JSEP build (`onnxruntime-web`, 28 MB) is not among them.
 */
export const ORT_BUILD_FILES = {
  wasm: ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'],
  jspi: ['ort-wasm-simd-threaded.jspi.mjs', 'ort-wasm-simd-threaded.jspi.wasm'],
  webgpu: ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'],
} as const;

export const ORT_FILES: readonly string[] = Object.values(ORT_BUILD_FILES).flat();

const ORT_FILE = /ort-wasm-simd-threaded(?:\.[a-z]+)?\.(?:mjs|wasm)/g;

export function ortDistDir(): string {
  const require = createRequire(import.meta.url);
  // `require` resolves onnxruntime-web's CommonJS main, which sits in dist/ beside the wasm files.
  return dirname(require.resolve('onnxruntime-web'));
}

/**
 * Vite plugin: stop Vite from emitting/inlining onnxruntime-web's wasm (see file comment).
 * Rewrites `new URL("ort-wasm…", import.meta.url)` inside onnxruntime-web so Vite's asset plugin
 * does not recognise it; that code path is dead anyway once wasmPaths is set.
 */
export function ortExternWasm(): Plugin {
  return {
    name: 'latentkit:ort-extern-wasm',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('onnxruntime-web') || !code.includes('import.meta.url')) return null;
      const out = code.replace(/new URL\((["'])(ort-wasm-simd-threaded[^"']*)\1\s*,/g, 'new URL(""+$1$2$1,');
      return out === code ? null : { code: out, map: null };
    },
  };
}

export function ortVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ortDistDir(), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The folder the files go to, below `ort/`: the first 16 hex digits of a SHA-256 over their names
 * and bytes. Same files, same folder; a new onnxruntime-web gets a new one.
 */
export async function ortFilesHash(files: readonly string[] = ORT_FILES): Promise<string> {
  const h = createHash('sha256');
  for (const name of files) {
    h.update(name + '\0');
    h.update(await readFile(join(ortDistDir(), name)));
  }
  return h.digest('hex').slice(0, 16);
}

/** Names of the onnxruntime-web files that the built JavaScript under `dir` refers to. */
export async function referencedOrtFiles(dir: string): Promise<string[]> {
  const names = new Set<string>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (/\.(m?js)$/.test(entry.name)) {
        for (const m of (await readFile(p, 'utf8')).matchAll(ORT_FILE)) {
          const base = m[0].replace(/\.(mjs|wasm)$/, '');
          names.add(`${base}.mjs`);
          names.add(`${base}.wasm`);
        }
      }
    }
  };
  await walk(dir);
  return [...names].sort();
}

export interface Precompression {
  /** Brotli quality 0-11 (default 9: 14.2 MB wasm -> 2.7 MB in ~15 s; 11 gives 2.3 MB in ~60 s). */
  brotliQuality?: number;
  /** Where compressed copies are kept between builds, keyed by content hash and settings. */
  cacheDir?: string;
}

export const DEFAULT_BROTLI_QUALITY = 9;

/**
 * Copy `names` from onnxruntime-web's dist into `target` and write `NAME.br` and `NAME.gz` beside
 * each, for the static server to send to browsers that accept them. Compressing the wasm files
 * takes tens of seconds, so results are cached (node_modules/.cache/latentkit-demo by default).
 */
export async function copyOrtFiles(names: readonly string[], target: string, options: Precompression = {}): Promise<void> {
  const src = ortDistDir();
  await mkdir(target, { recursive: true });
  await Promise.all(
    names.map(async (name) => {
      await copyFile(join(src, name), join(target, name));
      await precompress(join(target, name), options);
    }),
  );
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export function defaultCompressionCacheDir(): string {
  return join(dirname(dirname(dirname(new URL(import.meta.url).pathname))), 'node_modules', '.cache', 'latentkit-demo');
}

/** Write `file.br` and `file.gz` (from the cache when the same bytes were compressed before). */
export async function precompress(file: string, options: Precompression = {}): Promise<void> {
  const quality = options.brotliQuality ?? DEFAULT_BROTLI_QUALITY;
  const cacheDir = options.cacheDir ?? defaultCompressionCacheDir();
  const bytes = await readFile(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const make = async (ext: 'br' | 'gz', key: string, compress: () => Promise<Buffer>): Promise<void> => {
    const cached = join(cacheDir, `${sha}.${key}.${ext}`);
    if (!existsSync(cached)) {
      const out = await compress();
      await mkdir(cacheDir, { recursive: true });
      // Atomic: a killed build leaves no half-written entry that later builds would trust.
      const tmp = `${cached}.${process.pid}.tmp`;
      await writeFile(tmp, out);
      await rename(tmp, cached);
    }
    await copyFile(cached, `${file}.${ext}`);
  };
  await Promise.all([
    make('br', `q${quality}`, () =>
      brotli(bytes, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: quality,
          [zlibConstants.BROTLI_PARAM_LGWIN]: 24,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
    ),
    make('gz', 'l9', () => gz(bytes, { level: 9 })),
  ]);
}
