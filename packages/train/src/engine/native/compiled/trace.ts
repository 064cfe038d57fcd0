/**
 * Records what one eager computation on tfjs-node asks TensorFlow to do. Every tfjs kernel on the
 * 'tensorflow' backend ends in the addon's `executeOp(opName, attrs, inputIds, numOutputs)` (TFE_Execute),
 * and every tensor uploaded from JS in its `createTensor(shape, dtype, values)`; wrapping the two for
 * the length of `fn` gives the op sequence with its data flow (tensor ids in, tensor ids out), which
 * graph-def.ts turns into a TensorFlow graph. A read back into JS (`tensorDataSync`) during the trace
 * would make the graph depend on one step's values, so it aborts the trace with a TraceError.
 */
import type { TfBackend, TfOpAttr } from '../tf-ops.ts';

/** One executeOp call. */
export interface TracedOp {
  op: string;
  attrs: TfOpAttr[];
  inputs: number[];
  /** Output tensor ids with their shapes and TF_DataType codes. */
  outputs: { id: number; shape: number[]; dtype: number }[];
}

/** One createTensor call: a tensor uploaded from JS (a constant of the step). */
export interface TracedConstant {
  id: number;
  shape: number[];
  /** TF_DataType code. */
  dtype: number;
  values: Float32Array | Int32Array | Uint8Array;
}

export interface Trace {
  ops: TracedOp[];
  constants: Map<number, TracedConstant>;
}

/** A computation that cannot become a graph (it reads values back, or fails while recording). */
export class TraceError extends Error {
  override name = 'TraceError';
}

interface TensorMeta {
  id: number;
  shape: number[];
  dtype: number;
}

/** The addon's functions the trace wraps (tfjs-node binding/tfjs_binding.cc). */
interface TraceableBinding {
  executeOp(op: string, attrs: TfOpAttr[], inputs: number[], numOutputs: number): TensorMeta[];
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array | Uint8Array): number;
  tensorDataSync(id: number): unknown;
}

/** The binding tensor id behind a tfjs tensor on the 'tensorflow' backend, uploading it first if it is still only in JS. */
export function tensorId(backend: TfBackend, t: { dataId: object; shape: number[]; dtype: string }): number {
  const ids = (backend as unknown as { getInputTensorIds(ts: unknown[]): number[] }).getInputTensorIds([t]);
  return ids[0]!;
}

/**
 * Runs `fn` eagerly (its results are real values) while recording every op and upload it makes on
 * `backend`. Not re-entrant; the binding is restored on return and on throw.
 * @throws TraceError when `fn` reads a tensor's values back into JS.
 */
export function traceOps<T>(backend: TfBackend, fn: () => T): { result: T; trace: Trace } {
  // The addon's exports are read-only: the backend gets a stand-in whose three functions record and
  // forward, everything else inherited from the real binding.
  const holder = backend as unknown as { binding: TraceableBinding };
  const binding = holder.binding;
  const trace: Trace = { ops: [], constants: new Map() };
  const recorder: TraceableBinding = Object.create(binding);
  Object.defineProperties(recorder, {
    executeOp: {
      value: (op: string, attrs: TfOpAttr[], inputs: number[], numOutputs: number) => {
        const outputs = binding.executeOp(op, attrs, inputs, numOutputs);
        trace.ops.push({ op, attrs: attrs.map((a) => ({ ...a })), inputs: [...inputs], outputs: outputs.map((o) => ({ id: o.id, shape: [...o.shape], dtype: o.dtype })) });
        return outputs;
      },
    },
    createTensor: {
      value: (shape: number[], dtype: number, values: Float32Array | Int32Array | Uint8Array) => {
        const id = binding.createTensor(shape, dtype, values);
        trace.constants.set(id, { id, shape: [...shape], dtype, values: values.slice() });
        return id;
      },
    },
    tensorDataSync: {
      value: () => {
        throw new TraceError('the step reads a tensor back into JS while it is being recorded; it cannot run as one graph');
      },
    },
  });
  holder.binding = recorder;
  try {
    return { result: fn(), trace };
  } finally {
    holder.binding = binding;
  }
}
