/**
 * Where onnxruntime-web's files live and how many threads it may use, set once through the
 * runtime's `env` before the first model loads (the runtime reads env when its backend initialises).
 *
 * Default location: `ort/` beside the folder of this script (the site's `assets/` and the element's
 * `elements/` both sit one level below the build root, next to `ort/`). A page hosting the files
 * elsewhere calls setOrtBase() first; calling it after a model loaded throws, with the fix.
 */
import { env } from '@latentkit/runtime/web';
import { cachedBytes, freshJson } from './byte-cache.ts';

let ortBase: string | undefined;
let locked = false;
let prepared: Promise<{ threads: number; wasmBytes: number; wasmFromCache: boolean }> | undefined;

/** The default ort/ folder, resolved against this module's URL (works from any embedding origin). */
export function defaultOrtBase(): string {
  return new URL(/* @vite-ignore */ '../ort/', import.meta.url).href;
}

export function setOrtBase(url: string | URL): void {
  if (locked) {
    throw new Error(
      `setOrtBase("${String(url)}") came after the first model load, when onnxruntime-web had already ` +
        `read its wasm location (${ortBase}). Call setOrtBase() before adding <latent-explorer>/<latent-sample> to the page.`,
    );
  }
  const u = new URL(String(url), location.href);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  ortBase = u.href;
}

export function ortBaseUrl(): string {
  return ortBase ?? defaultOrtBase();
}

/**
 * wasm threads need a cross-origin-isolated page (SharedArrayBuffer) AND a same-origin worker
 * script: a page embedding our element from another origin cannot start workers from our URL,
 * so there we run one thread.
 */
export function threadsFor(base: string): number {
  const isolated = globalThis.crossOriginIsolated === true;
  const sameOrigin = new URL(base).origin === location.origin;
  if (!isolated || !sameOrigin) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

interface OrtFilesJson {
  version: string;
  wasm: string[];
}

/** Sets env once (threads, wasm location, wasm bytes from the Cache API). Later calls reuse it. */
export function prepareRuntime(): Promise<{ threads: number; wasmBytes: number; wasmFromCache: boolean }> {
  prepared ??= (async () => {
    locked = true;
    const base = ortBaseUrl();
    const threads = threadsFor(base);
    env.wasmPaths = base;
    env.threads = threads;
    // files.json is written by the build: which wasm binary onnxruntime-web will ask for.
    const files = (await freshJson(new URL('files.json', base).href)) as OrtFilesJson;
    if (!files || !Array.isArray(files.wasm) || files.wasm.length === 0) {
      throw new Error(`${base}files.json lists no wasm file; rebuild the demo (pnpm demo).`);
    }
    const wasm = await cachedBytes(new URL(files.wasm[0], base).href, files.version);
    if (!wasm) throw new Error(`${base}${files.wasm[0]} is missing.`);
    env.wasmBinary = wasm.bytes;
    return { threads, wasmBytes: wasm.bytes.byteLength, wasmFromCache: wasm.fromCache };
  })();
  // A failed preparation (server down) may be retried by the next load.
  prepared.catch(() => {
    prepared = undefined;
  });
  return prepared;
}
