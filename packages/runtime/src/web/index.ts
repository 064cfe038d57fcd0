/**
 * Browser entry: registers onnxruntime-web (webgpu and wasm). Never imports onnxruntime-node, sharp
 * or node: modules, so bundlers resolving the "browser" condition get a clean graph.
 */
import * as ortWeb from 'onnxruntime-web';
import { registerBackend, setPlatform } from '../common/backend.ts';
import { createOrtBackend, type OrtLike } from '../common/ort-backend.ts';
import { env } from '../common/env.ts';

setPlatform('web');

// onnxruntime-web reads its wasm settings once, when its runtime starts: remember what was applied.
let applied: { wasmPaths: string; threads: number; wasmBinary: unknown } | undefined;

registerBackend(
  'onnxruntime-web',
  createOrtBackend(ortWeb as unknown as OrtLike, {
    providers: ['webgpu', 'wasm'],
    init: async () => {
      if (env.wasmPaths) ortWeb.env.wasm.wasmPaths = env.wasmPaths;
      if (env.threads) ortWeb.env.wasm.numThreads = env.threads;
      if (env.wasmBinary) ortWeb.env.wasm.wasmBinary = env.wasmBinary;
      applied = { wasmPaths: env.wasmPaths, threads: env.threads, wasmBinary: env.wasmBinary };
    },
    beforeSession: () => {
      if (applied && (applied.wasmPaths !== env.wasmPaths || applied.threads !== env.threads || applied.wasmBinary !== env.wasmBinary)) {
        throw new Error(
          'env.wasmPaths / env.threads / env.wasmBinary changed after the first LatentModel.load(); onnxruntime-web ' +
            'reads them once. Set them before the first load (e.g. right after importing @latentkit/runtime).',
        );
      }
    },
  }),
  100,
);

export * from '../common/api.ts';
