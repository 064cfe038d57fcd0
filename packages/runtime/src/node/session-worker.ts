/**
 * The worker thread that holds onnxruntime-node sessions for node/worker-sessions.ts. onnxruntime-node
 * runs a session synchronously on the thread that calls it (its `run` is a `setImmediate` around the
 * native call), so a server calling it on the main thread stops its event loop for every batch: no
 * accept, no parsing, no refusals meanwhile. Measured (runtime README, "Goodput under overload"): with
 * 10 ms batches Node accepted one new connection per batch, and 64 new clients waited up to 0.6 s for
 * their first answer. Here the runs happen on this thread instead.
 *
 * Messages (all answered with the same `id`): `create` {model, options} -> {session, inputNames,
 * outputNames}; `run` {session, feeds, outputNames} -> {outputs}; `release` {session} -> {}. A failure
 * answers {error: {name, message}}.
 */
import { parentPort } from 'node:worker_threads';
import * as ortNode from 'onnxruntime-node';
import { wrapSession, type OrtLike } from '../common/ort-backend.ts';
import type { SessionHandle } from '../common/backend.ts';
import type { TensorData } from '../common/tensor-data.ts';

export type WorkerRequest =
  | { id: number; op: 'create'; model: Uint8Array; provider: string; options: Record<string, unknown> }
  | { id: number; op: 'run'; session: number; feeds: Record<string, TensorData>; outputNames?: readonly string[] }
  | { id: number; op: 'release'; session: number };

export type WorkerReply =
  | { id: number; session: number; inputNames: readonly string[]; outputNames: readonly string[] }
  | { id: number; outputs: Record<string, TensorData> }
  | { id: number; released: true }
  | { id: number; error: { name: string; message: string } };

const ort = ortNode as unknown as OrtLike;
// As on the main thread (node/index.ts): the runtime reports provider fallbacks itself.
ortNode.env.logLevel = 'fatal';

const sessions = new Map<number, SessionHandle>();
let nextSession = 1;

async function handle(m: WorkerRequest): Promise<{ reply: WorkerReply; transfer?: ArrayBuffer[] }> {
  switch (m.op) {
    case 'create': {
      const session = await ort.InferenceSession.create(m.model, m.options);
      const id = nextSession++;
      sessions.set(id, wrapSession(ort, session, m.provider));
      return { reply: { id: m.id, session: id, inputNames: [...session.inputNames], outputNames: [...session.outputNames] } };
    }
    case 'run': {
      const session = sessions.get(m.session);
      if (!session) throw new Error('Session was released.');
      const outputs = await session.run(m.feeds, m.outputNames);
      return { reply: { id: m.id, outputs }, transfer: Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer) };
    }
    case 'release': {
      await sessions.get(m.session)?.release();
      sessions.delete(m.session);
      return { reply: { id: m.id, released: true } };
    }
  }
}

parentPort!.on('message', (m: WorkerRequest) => {
  handle(m).then(
    ({ reply, transfer }) => {
      try {
        parentPort!.postMessage(reply, transfer);
      } catch {
        // A buffer onnxruntime still owns cannot move: copy it instead.
        parentPort!.postMessage(reply);
      }
    },
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      parentPort!.postMessage({ id: m.id, error: { name: err.name, message: err.message } } satisfies WorkerReply);
    },
  );
});
