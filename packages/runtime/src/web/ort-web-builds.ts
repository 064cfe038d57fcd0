/**
 * onnxruntime-web ships one build per execution-provider family, each with its own wasm binary
 * (1.30, sizes uncompressed / brotli): `onnxruntime-web/wasm` -> ort-wasm-simd-threaded.wasm (14.2 /
 * 2.3 MB, CPU only); `onnxruntime-web/jspi` -> ort-wasm-simd-threaded.jspi.wasm (16.8 / 2.6 MB, the
 * WebGPU EP over JS Promise Integration); `onnxruntime-web/webgpu` -> ...asyncify.wasm (26.8 / 3.9 MB,
 * same EP for browsers without JSPI). The default `onnxruntime-web` entry loads the 28.3 MB JSEP build
 * for every provider, wasm included. Here each provider imports only its build, on first use.
 */
import type { Backend, SessionHandle, SessionOptions } from '../common/backend.ts';
import { createOrtBackend, type OrtLike } from '../common/ort-backend.ts';
import { apis, env } from '../common/env.ts';

/** The onnxruntime-web entry a provider loads: 'wasm' | 'jspi' | 'webgpu' (the subpath export). */
export type OrtWebBuild = 'wasm' | 'jspi' | 'webgpu';

/** wasm -> the CPU-only build; webgpu -> the JSPI build where the engine has JSPI, else asyncify. */
export function ortWebBuildFor(provider: string, jspi: boolean = apis.jspi): OrtWebBuild {
  if (provider === 'wasm') return 'wasm';
  if (provider === 'webgpu') return jspi ? 'jspi' : 'webgpu';
  throw new Error(`onnxruntime-web has no build for execution provider "${provider}". Should be one of: webgpu, wasm.`);
}

// Literal specifiers, so bundlers see (and split out) each build; only the one called is fetched.
const loaders: Record<OrtWebBuild, () => Promise<unknown>> = {
  wasm: () => import('onnxruntime-web/wasm'),
  jspi: () => import('onnxruntime-web/jspi'),
  webgpu: () => import('onnxruntime-web/webgpu'),
};

const imported = new Map<OrtWebBuild, Promise<unknown>>();

/** Import a build once; a failed import (network) may be retried. */
function importBuild(build: OrtWebBuild): Promise<unknown> {
  let p = imported.get(build);
  if (!p) {
    p = loaders[build]();
    imported.set(build, p);
    p.catch(() => imported.delete(build));
  }
  return p;
}

/**
 * Start importing the onnxruntime-web build `provider` will run on, without creating anything, so a
 * page can overlap it with fetching a model (it also fetches the build's wasm itself, see the demo).
 * Resolves to the build's name; settings in `env` are still read at the first session.
 */
export async function preloadOrtWebBuild(provider: string): Promise<OrtWebBuild> {
  const build = ortWebBuildFor(provider);
  await importBuild(build);
  return build;
}

interface OrtWebModule {
  env: { wasm: { wasmPaths?: unknown; numThreads?: number; wasmBinary?: unknown } };
}

/**
 * One Backend for 'webgpu' and 'wasm' that imports the build of the provider a session asks for.
 * env.wasmPaths / env.threads / env.wasmBinary apply to each build when it loads, and may not change
 * afterwards (onnxruntime-web reads them once). `env.wasmBinary` must be the binary of the build
 * that will load (see ortWebBuildFor); leave it unset to let onnxruntime-web fetch from wasmPaths.
 */
export function createOrtWebBackend(): Backend {
  const builds = new Map<OrtWebBuild, Backend>();
  let applied: { wasmPaths: string; threads: number; wasmBinary: unknown } | undefined;
  const backendFor = (build: OrtWebBuild): Backend => {
    let b = builds.get(build);
    if (!b) {
      let mod: OrtWebModule | undefined;
      b = createOrtBackend(
        async () => {
          mod = (await importBuild(build)) as OrtWebModule;
          return mod as unknown as OrtLike;
        },
        {
          providers: build === 'wasm' ? ['wasm'] : ['webgpu', 'wasm'],
          init: async () => {
            const w = (mod as OrtWebModule).env.wasm;
            if (env.wasmPaths) w.wasmPaths = env.wasmPaths;
            if (env.threads) w.numThreads = env.threads;
            if (env.wasmBinary) w.wasmBinary = env.wasmBinary;
            applied ??= { wasmPaths: env.wasmPaths, threads: env.threads, wasmBinary: env.wasmBinary };
          },
          beforeSession: () => {
            if (applied && (applied.wasmPaths !== env.wasmPaths || applied.threads !== env.threads || applied.wasmBinary !== env.wasmBinary)) {
              throw new Error(
                'env.wasmPaths / env.threads / env.wasmBinary changed after the first LatentModel.load(); onnxruntime-web ' +
                  'reads them once. Set them before the first load (e.g. right after importing @latentkit/runtime).',
              );
            }
          },
        },
      );
      builds.set(build, b);
    }
    return b;
  };
  const ready = new Map<OrtWebBuild, Promise<void>>();
  return {
    providers: ['webgpu', 'wasm'],
    // Nothing to load up front: the build is chosen per session, by its provider.
    async init() {},
    async createSession(model: Uint8Array, options: SessionOptions): Promise<SessionHandle> {
      const build = ortWebBuildFor(options.provider);
      const backend = backendFor(build);
      let r = ready.get(build);
      if (!r) {
        r = backend.init();
        ready.set(build, r);
        // A failed import (network) may be retried by the next load.
        r.catch(() => ready.delete(build));
      }
      await r;
      return backend.createSession(model, options);
    },
  };
}
