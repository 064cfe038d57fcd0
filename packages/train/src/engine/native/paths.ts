/**
 * Where the native engine's pieces live. The addon that `pnpm engine native` builds, with the
 * TensorFlow libraries it links, sits in a cache outside node_modules
 * (`$LATENTKIT_CACHE/tfjs-node-<version>-<platform>-<arch>`, default ~/.cache/latentkit/...) so that a
 * later `pnpm install` (which may re-create the package folder) or a fresh clone finds it again;
 * link.ts points the installed package at it. Its layout mirrors the package's own
 * (`lib/napi-v<N>/tfjs_binding.node`, `deps/lib/libtensorflow*.so*`), so the addon's run path
 * `$ORIGIN/../../deps/lib` (tfjs-node's binding.gyp) holds in both places.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The tfjs-node release this package declares (package.json optionalDependencies). */
export const TFJS_NODE_VERSION = '4.22.0';
/** The pip wheel whose TensorFlow C library the addon is built against. */
export const TENSORFLOW_WHEEL = { name: 'tensorflow-cpu', version: '2.21.0' } as const;

const require = createRequire(import.meta.url);

export function cacheRoot(): string {
  return process.env.LATENTKIT_CACHE ?? join(homedir(), '.cache', 'latentkit');
}

/** The provisioned build: `lib/`, `deps/lib/` and `provenance.json` (written last). */
export function addonCacheDir(): string {
  return join(cacheRoot(), `tfjs-node-${TFJS_NODE_VERSION}-${process.platform}-${process.arch}`);
}

/** The installed @tensorflow/tfjs-node package folder (pnpm's real path), or undefined. */
export function tfjsNodeDir(): string | undefined {
  try {
    return dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return undefined;
  }
}

/** Whether @tensorflow/tfjs-node-gpu (the GPU build, an optional peer) is installed: 'auto' tries it first. */
export function gpuBuildInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu/package.json');
    return true;
  } catch {
    return false;
  }
}

/**
 * `napi-v<N>`: the folder node-pre-gyp loads the addon from, N being the highest N-API version that
 * both the package lists (binary.napi_versions) and this Node supports.
 */
export function napiDirName(pkgDir: string): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { binary: { napi_versions: number[] } };
  const mine = Number(process.versions.napi);
  const n = Math.max(...pkg.binary.napi_versions.filter((v) => v <= mine));
  return `napi-v${n}`;
}

export const ADDON_FILE = 'tfjs_binding.node';
export const PROVENANCE_FILE = 'provenance.json';

/** What provenance.json records about a provisioned build. */
export interface Provenance {
  route: 'stock-install' | 'source-build';
  tfjsNode: string;
  /** TF_Version() of the libraries, e.g. "2.21.0". */
  tensorflow: string;
  /** Where the TensorFlow libraries came from (a wheel, a venv, Google's libtensorflow archive). */
  source: string;
  builtAt: string;
  seconds: number;
}
