/**
 * onnxruntime-web's wasm files, kept OUT of the JavaScript bundles.
 *
 * By default Vite follows onnxruntime-web's `new URL("ort-wasm-…wasm", import.meta.url)` and emits
 * the 14-28 MB binary as a hashed asset, or, in a library build, inlines it as base64 into the
 * element script. We instead resolve onnxruntime-web's "extern wasm" build (it loads its glue .mjs
 * and .wasm from `env.wasm.wasmPaths`), copy exactly the files the bundle names into `ort/`, and
 * point the runtime at that folder. One copy serves the site and the element, and the page caches it.
 */
import { createRequire } from 'node:module';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** The export condition that selects onnxruntime-web's builds without embedded wasm glue. */
export const ORT_EXTERN_WASM_CONDITION = 'onnxruntime-web-use-extern-wasm';

const ORT_FILE = /ort-wasm-simd-threaded(?:\.[a-z]+)?\.(?:mjs|wasm)/g;

export function ortDistDir(): string {
  const require = createRequire(import.meta.url);
  // `require` resolves onnxruntime-web's CommonJS main, which sits in dist/ beside the wasm files.
  return dirname(require.resolve('onnxruntime-web'));
}

/**
 * Vite plugin: stop Vite from emitting/inlining onnxruntime-web's wasm (see file comment).
 * Rewrites `new URL("ort-wasm…", import.meta.url)` inside onnxruntime-web so Vite's asset plugin
 * does not recognise it; that code path is dead anyway once wasmPaths/wasmBinary are set.
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

/** Copy the referenced onnxruntime-web files into `target` (e.g. dist/site/ort). */
export async function copyOrtFiles(names: string[], target: string): Promise<void> {
  const src = ortDistDir();
  await mkdir(target, { recursive: true });
  for (const name of names) await copyFile(join(src, name), join(target, name));
}
