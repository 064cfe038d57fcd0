/**
 * The engine table: one loader per engine name, in one place (after transformers.js'
 * deviceToExecutionProviders). Adding an engine (e.g. 'webgpu') means adding a loader here and, if
 * 'auto' should try it, a place in AUTO_ORDER.
 *
 * A loader makes its tfjs backend available and active, or throws an Error saying why it cannot.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpus } from 'node:os';
import { registerTrainingGradients } from './gradients/register.ts';
import { registerWasmTrainingKernels } from './kernels/register.ts';
import { registerNativeTrainingKernels } from './native/register.ts';
import { wasmDistDir } from './wasm-paths.ts';
import { describeNativeBackend } from './native/describe.ts';
import { linkCachedAddon } from './native/link.ts';
import { loadWebgpu } from './webgpu/load.ts';

export type EngineName = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';
export type ConcreteEngine = Exclude<EngineName, 'auto'>;

export interface EngineInfo {
  name: ConcreteEngine;
  /** The tfjs backend name that runs the kernels ('tensorflow', 'wasm', 'cpu'). */
  backend: string;
  /** Threads the backend computes with (the wasm backend is single-threaded in Node). */
  threads: number;
  detail: string;
}

/** What a loader is told: `auto` when 'auto' is trying it (a loader may then refuse a slow setup). */
export interface EngineLoadContext {
  auto?: boolean;
}

export type EngineLoader = (context?: EngineLoadContext) => Promise<EngineInfo>;

/**
 * Imports an optional native package by a computed name, so TypeScript and bundlers do not try to
 * resolve it when it is absent (tfjs-node is an optional dependency, tfjs-node-gpu an optional peer).
 */
async function importOptional(name: string): Promise<unknown> {
  const specifier: string = name;
  return import(specifier);
}

function nativeLoader(name: 'tfjs-node-gpu' | 'tfjs-node'): EngineLoader {
  const pkg = `@tensorflow/${name}`;
  const gpu = name === 'tfjs-node-gpu';
  return async () => {
    // tfjs-node is installed without its addon; `pnpm engine native` builds it into a cache, and this
    // re-creates the links into node_modules when a `pnpm install` has re-created the package folder.
    const link = gpu ? undefined : linkCachedAddon();
    // TensorFlow's INFO lines (CPU feature notes) are noise in a training log; warnings stay.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
    let mod: { version?: Record<string, string> };
    try {
      mod = (await importOptional(pkg)) as typeof mod;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const why =
        e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND'
          ? `${pkg} is not installed (optional; \`pnpm --filter @latentkit/train add ${pkg}\` installs it where libtensorflow can be downloaded)`
          : link === 'not-provisioned'
            ? `${pkg} is installed without its native addon; \`pnpm engine native\` builds it (~1-2 min)`
            : `${pkg} is installed but failed to load: ${e.message.split('\n')[0]}`;
      throw new Error(why);
    }
    if (!(await tf.setBackend('tensorflow'))) {
      throw new Error(`${pkg} loaded but its 'tensorflow' backend did not initialise`);
    }
    registerNativeTrainingKernels();
    return {
      name,
      backend: 'tensorflow',
      threads: cpus().length,
      detail: describeNativeBackend(pkg, mod.version?.['tfjs-node']),
    };
  };
}

let wasmPathsSet = false;

const loadWasm: EngineLoader = async () => {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    wasm.setWasmPaths(wasmDistDir());
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('the wasm backend did not initialise (see the warning tfjs printed above); try --engine cpu');
  }
  // After initialisation: the stock kernels' setup has run, so ours can fall back to them.
  const kernels = registerWasmTrainingKernels();
  const gradients = registerTrainingGradients();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  return {
    name: 'wasm',
    backend: 'wasm',
    threads,
    detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} (SIMD ${simd ? 'on' : 'off'}, ${threads} thread${threads === 1 ? '' : 's'}; our kernels: ${kernels.join(', ')}; our gradients: ${gradients.join(', ')})`,
  };
};

const loadCpu: EngineLoader = async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the pure-JS cpu backend did not initialise');
  return { name: 'cpu', backend: 'cpu', threads: 1, detail: '@tensorflow/tfjs-backend-cpu (pure JavaScript; far too slow to train convnets)' };
};

export const ENGINE_LOADERS: Readonly<Record<ConcreteEngine, EngineLoader>> = {
  'tfjs-node-gpu': nativeLoader('tfjs-node-gpu'),
  'tfjs-node': nativeLoader('tfjs-node'),
  webgpu: loadWebgpu,
  wasm: loadWasm,
  cpu: loadCpu,
};

/** What 'auto' tries, best first. The cpu backend is never picked automatically: it cannot train. */
/** webgpu: only on a hardware adapter (its loader refuses a software one when `auto` is set). */
export const AUTO_ORDER: readonly ConcreteEngine[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm'];
