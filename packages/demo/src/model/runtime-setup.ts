/**
 * Where onnxruntime-web's files live and how many threads it may use, set once through the
 * runtime's `env` before the first model loads (the runtime reads env when a backend's build loads).
 *
 * Default location: `ort/<hash>/` beside the folder of this script (the site's `assets/` and the
 * element's `elements/` both sit one level below the build root, next to `ort/`); `<hash>` is the
 * content hash the build named the folder after (`__LATENTKIT_ORT_DIR__`). A page hosting the files
 * elsewhere calls setOrtBase() first with the URL of its copy of `ort/`; calling it after a model
 * loaded throws, with the fix.
 *
 * The wasm binary is NOT read into memory here: onnxruntime-web fetches only the binary of the
 * backend it runs (wasm or WebGPU) and compiles it while it streams in; the server marks it
 * immutable, so a second visit takes it from the HTTP cache.
 */
import { deviceToExecutionProviders, env, ortWebBuildFor, preloadOrtWebBuild, type Device, type OrtWebBuild } from '@latentkit/runtime/web';

declare const __LATENTKIT_ORT_DIR__: string | undefined;
declare const __LATENTKIT_ORT_FILES__: Record<OrtWebBuild, readonly string[]> | undefined;

/**
 * Set by the demo's own builds (vite-config.ts). Absent when someone else's bundler builds the
 * elements from the installed package: then onnxruntime-web finds its files itself (the bundler
 * emits the wasm as an asset), or in the folder given to setOrtBase().
 */
const ORT_DIR = typeof __LATENTKIT_ORT_DIR__ === 'string' ? __LATENTKIT_ORT_DIR__ : undefined;
const ORT_FILES = typeof __LATENTKIT_ORT_FILES__ === 'object' ? __LATENTKIT_ORT_FILES__ : undefined;

let ortBase: string | undefined;
let locked = false;
let prepared: { threads: number; wasmPaths: string } | undefined;

/** The default ort/ folder, resolved against this module's URL (works from any embedding origin). */
export function defaultOrtBase(): string {
  return new URL(/* @vite-ignore */ '../ort/', import.meta.url).href;
}

export function setOrtBase(url: string | URL): void {
  if (locked) {
    throw new Error(
      `setOrtBase("${String(url)}") came after the first model load, when onnxruntime-web had already ` +
        `read its wasm location (${ortBase ?? defaultOrtBase()}). Call setOrtBase() before adding <latent-explorer>/<latent-sample> to the page.`,
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

/** Sets env once (threads, wasm location). Later calls reuse it. */
export function prepareRuntime(): { threads: number; wasmPaths: string } {
  if (!prepared) {
    locked = true;
    // Without the demo build's folder name: setOrtBase()'s folder holds the files themselves, and
    // with no setOrtBase() either onnxruntime-web resolves them next to its own script.
    const base = ortBase ?? (ORT_DIR ? defaultOrtBase() : undefined);
    const wasmPaths = base === undefined ? '' : ORT_DIR ? new URL(`${ORT_DIR}/`, base).href : base;
    const threads = threadsFor(base ?? location.href);
    if (wasmPaths) env.wasmPaths = wasmPaths;
    env.threads = threads;
    prepared = { threads, wasmPaths };
  }
  return prepared;
}

const preloaded = new Set<OrtWebBuild>();

/**
 * Start fetching what `device` will run on (its onnxruntime-web build's script, glue and wasm)
 * while the page fetches the model: without this the wasm download only starts once the model's
 * bytes are in and the first session is created. The files land in the HTTP cache (they are
 * immutable), where onnxruntime-web's own requests find them. Failures are left to those requests.
 */
export function preloadRuntime(device: Device): void {
  const { wasmPaths } = prepareRuntime();
  const build = ortWebBuildFor(deviceToExecutionProviders(device, 'web')[0]);
  if (preloaded.has(build)) return;
  preloaded.add(build);
  void preloadOrtWebBuild(build === 'wasm' ? 'wasm' : 'webgpu').catch(() => {});
  if (!wasmPaths || !ORT_FILES) return; // onnxruntime-web fetches its own files where it finds them
  for (const name of ORT_FILES[build]) {
    void fetch(new URL(name, wasmPaths).href)
      .then((r) => r.arrayBuffer())
      .catch(() => {});
  }
}

/**
 * Bytes of onnxruntime-web's files this page fetched, from Resource Timing: `network` counts the
 * bytes as sent (compressed), `cache` the decoded bytes of files the HTTP cache answered
 * (transferSize 0). Cross-origin hosts must send Timing-Allow-Origin for the sizes to be visible.
 */
export function ortBytes(wasmPaths: string): { network: number; cache: number } {
  // Per URL: the preload's request and onnxruntime-web's own one (then from the HTTP cache) are
  // one download.
  const perUrl = new Map<string, { network: number; cache: number }>();
  for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    // Without a wasmPaths (a bundler placed the files), onnxruntime-web's files by their name.
    if (wasmPaths ? !e.name.startsWith(wasmPaths) : !/\/ort-wasm[^/]*$/.test(new URL(e.name).pathname)) continue;
    const seen = perUrl.get(e.name) ?? { network: 0, cache: 0 };
    if (e.transferSize > 0) seen.network = Math.max(seen.network, e.encodedBodySize);
    else seen.cache = Math.max(seen.cache, e.decodedBodySize);
    perUrl.set(e.name, seen);
  }
  let network = 0;
  let cache = 0;
  for (const v of perUrl.values()) {
    if (v.network > 0) network += v.network;
    else cache += v.cache;
  }
  return { network, cache };
}
