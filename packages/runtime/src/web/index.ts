/**
 * Browser entry: registers onnxruntime-web (webgpu and wasm). Never imports onnxruntime-node, sharp
 * or node: modules, so bundlers resolving the "browser" condition get a clean graph.
 */
import * as ortWeb from 'onnxruntime-web';
import { registerBackend, setPlatform } from '../common/backend.ts';
import { createOrtBackend, type OrtLike } from '../common/ort-backend.ts';
import { env } from '../common/env.ts';

setPlatform('web');

registerBackend(
  'onnxruntime-web',
  createOrtBackend(ortWeb as unknown as OrtLike, {
    providers: ['webgpu', 'wasm'],
    init: async () => {
      if (env.wasmPaths) ortWeb.env.wasm.wasmPaths = env.wasmPaths;
      if (env.threads) ortWeb.env.wasm.numThreads = env.threads;
      if (env.wasmBinary) ortWeb.env.wasm.wasmBinary = env.wasmBinary;
    },
  }),
  100,
);

export * from '../common/api.ts';
