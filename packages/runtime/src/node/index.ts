/**
 * Node entry: registers onnxruntime-node (cpu, cuda, webgpu; priority 100; sessions on a worker thread
 * unless env.sessionThread is 'main') and onnxruntime-web's wasm
 * build (priority 10, loaded only when 'wasm' is asked for), plus a folder reader for bundle paths.
 * Everything else is the shared API from src/common.
 */
import { availableParallelism } from 'node:os';
import * as ortNode from 'onnxruntime-node';
import { registerBackend, setPlatform } from '../common/backend.ts';
import { registerPathReader } from '../common/bundle.ts';
import { createOrtBackend, ortSessionOptions, type OrtLike } from '../common/ort-backend.ts';
import type { SessionOptions } from '../common/backend.ts';
import { env, log } from '../common/env.ts';
import { createWorkerSession, WorkerStoppedError } from './worker-sessions.ts';
import { folderReader } from './path-reader.ts';

setPlatform('node');
// onnxruntime's own logger prints a red multi-line error for every failed CUDA attempt; the runtime
// reports that fallback itself, once (session-factory.ts). Real failures still throw.
ortNode.env.logLevel = 'fatal';
registerPathReader(folderReader);

const nodeSessionOptions = ({ threads }: SessionOptions, intraOpDefault?: number) => ({
  interOpNumThreads: 1,
  ...(threads || intraOpDefault ? { intraOpNumThreads: threads || intraOpDefault } : {}),
  extra: { session: { intra_op: { allow_spinning: env.spinWait ? '1' : '0' } } },
});
/**
 * Intra-op threads of a worker session when env.threads is 0: all cores but one, which the event loop
 * keeps for parsing, encoding and answering while a batch runs. Measured on 2 cores (runtime README):
 * onnxruntime's own default, all cores, served 5-15% fewer closed-loop requests at 64 and 1,024
 * connections, its threads competing with the event loop's.
 */
const workerIntraOpThreads = () => Math.max(1, availableParallelism() - 1);
const inThread = createOrtBackend(ortNode as unknown as OrtLike, { providers: ['cpu', 'cuda', 'webgpu'], sessionOptions: (so) => nodeSessionOptions(so) });
registerBackend(
  'onnxruntime-node',
  {
    providers: inThread.providers,
    init: () => inThread.init(),
    // env.sessionThread (default 'worker'): onnxruntime-node runs a session synchronously on the calling
    // thread, so a server's event loop would stop for every batch (node/session-worker.ts).
    async createSession(model, so) {
      if (env.sessionThread === 'worker') {
        try {
          return await createWorkerSession(model, so, ortSessionOptions(so, nodeSessionOptions(so, workerIntraOpThreads())));
        } catch (e) {
          if (!(e instanceof WorkerStoppedError)) throw e;
          env.sessionThread = 'main';
          log('warn', `[latentkit] onnxruntime-node sessions run on the main thread: the worker thread did not start (${e.message}). This is reported once.`);
        }
      }
      return inThread.createSession(model, so);
    },
  },
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
