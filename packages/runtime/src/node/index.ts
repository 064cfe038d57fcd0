/**
 * Node entry: registers onnxruntime-node (cpu, cuda, webgpu; priority 100) and onnxruntime-web's wasm
 * build (priority 10, loaded only when 'wasm' is asked for), plus a folder reader for bundle paths.
 * Everything else is the shared API from src/common.
 */
import * as ortNode from 'onnxruntime-node';
import { registerBackend, setPlatform } from '../common/backend.ts';
import { registerPathReader } from '../common/bundle.ts';
import { createOrtBackend, type OrtLike } from '../common/ort-backend.ts';
import { env } from '../common/env.ts';
import { folderReader } from './path-reader.ts';

setPlatform('node');
// onnxruntime's own logger prints a red multi-line error for every failed CUDA attempt; the runtime
// reports that fallback itself, once (session-factory.ts). Real failures still throw.
ortNode.env.logLevel = 'fatal';
registerPathReader(folderReader);

registerBackend(
  'onnxruntime-node',
  createOrtBackend(ortNode as unknown as OrtLike, {
    providers: ['cpu', 'cuda', 'webgpu'],
    sessionOptions: ({ threads }) => ({
      interOpNumThreads: 1,
      ...(threads ? { intraOpNumThreads: threads } : {}),
      extra: { session: { intra_op: { allow_spinning: env.spinWait ? '1' : '0' } } },
    }),
  }),
  100,
);

registerBackend(
  'onnxruntime-web',
  createOrtBackend(
    async () => {
      const ortWeb = await import('onnxruntime-web');
      // Node's worker_threads cannot start onnxruntime-web's blob-URL workers: one thread.
      ortWeb.env.wasm.numThreads = 1;
      ortWeb.env.logLevel = 'error';
      if (env.wasmPaths) ortWeb.env.wasm.wasmPaths = env.wasmPaths;
      return ortWeb as unknown as OrtLike;
    },
    { providers: ['wasm'] },
  ),
  10,
);

export * from '../common/api.ts';
