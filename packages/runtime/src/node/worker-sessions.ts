/**
 * onnxruntime-node sessions that run on a worker thread (node/session-worker.ts), behind the same
 * SessionHandle as in-thread ones, so a session run never blocks the caller's event loop.
 *
 * One worker serves every session of the process, so runs are serialised as they were on the main
 * thread (onnxruntime's intra-op threads already use the cores for one run; two concurrent runs would
 * only compete for them). It starts with the first session and stops when the last is released. It is
 * referenced only while a request to it is pending: an idle process with a loaded model can exit, a
 * process awaiting a run cannot.
 *
 * Costs: feeds are copied once and moved to the worker (a decode's z is n x latentDim floats), outputs
 * move back without a copy when onnxruntime allows. A model's bytes are copied once per session.
 */
import { Worker } from 'node:worker_threads';
import type { SessionHandle, SessionOptions } from '../common/backend.ts';
import type { TensorData } from '../common/tensor-data.ts';
import type { WorkerReply, WorkerRequest } from './session-worker.ts';

/** The worker itself failed (could not start, crashed, exited): not an onnxruntime error. */
export class WorkerStoppedError extends Error {
  override name = 'WorkerStoppedError';
}

type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/**
 * The worker: the built .js beside this file when packed; in the workspace the TypeScript source, loaded
 * through tsx's API in the worker (`--import tsx` in execArgv does not reach Node 20's worker loaders).
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./session-worker.js', import.meta.url));
  const source = new URL('./session-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); });`, { eval: true });
}

class SessionWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private sessions = 0;

  request(message: Request, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...message, id } as WorkerRequest, transfer);
    });
  }

  opened(): void {
    this.sessions++;
  }

  /** One session released; the worker stops with the last. */
  async closed(): Promise<void> {
    if (--this.sessions > 0 || !this.worker) return;
    const worker = this.worker;
    this.worker = null;
    await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker();
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else p.resolve(reply);
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(new WorkerStoppedError(`The onnxruntime worker thread stopped: ${e.message}`));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

let shared: SessionWorker | undefined;

/**
 * Creates an onnxruntime-node session on the worker thread.
 * @param options onnxruntime's session options (ortSessionOptions()), plain data.
 * @throws Error with onnxruntime's message when the session cannot be created (e.g. a provider that is not built in);
 *   WorkerStoppedError when the worker thread cannot start or dies (e.g. a bundler left its file out).
 */
export async function createWorkerSession(model: Uint8Array, so: SessionOptions, options: Record<string, unknown>): Promise<SessionHandle> {
  shared ??= new SessionWorker();
  const worker = shared;
  worker.opened();
  let created: WorkerReply;
  try {
    created = await worker.request({ op: 'create', model, provider: so.provider, options });
    if (!('session' in created)) throw new Error('onnxruntime worker: unexpected reply to create');
  } catch (e) {
    await worker.closed();
    throw e;
  }
  let released = false;
  return {
    inputNames: created.inputNames,
    outputNames: created.outputNames,
    provider: so.provider,
    async run(feeds: Record<string, TensorData>, outputNames?: readonly string[]) {
      if (released) throw new Error('Session was released.');
      // One compact copy each, moved (a structured clone of a view would copy its whole buffer).
      const sent: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(feeds)) sent[name] = { data: t.data.slice(), shape: t.shape };
      const reply = await worker.request({ op: 'run', session: created.session, feeds: sent, outputNames }, Object.values(sent).map((t) => t.data.buffer as ArrayBuffer));
      if (!('outputs' in reply)) throw new Error('onnxruntime worker: unexpected reply to run');
      return reply.outputs;
    },
    async release() {
      if (released) return;
      released = true;
      try {
        await worker.request({ op: 'release', session: created.session });
      } finally {
        await worker.closed();
      }
    },
  };
}
