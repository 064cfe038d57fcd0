/**
 * An inference computation (no gradients, no state written) as one TensorFlow graph on the native
 * engine, the compiled step's mechanism (trace.ts, graph-def.ts, session.ts) for passes such as
 * encoding a run's images: `fn` runs once eagerly on zero inputs of fixed shapes while its op calls
 * are recorded; the inputs become placeholders, the tensors it reads that existed before the trace
 * (`frozen`: the model's weights, BatchNormalization statistics) become Consts holding their values
 * at create(), and its outputs are fetched. Later changes to those tensors are not seen: build the
 * graph after training. One graph has one set of input shapes (one batch size).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfBackend } from '../tf-ops.ts';
import { NATIVE_BACKEND } from '../dispatch.ts';
import { DT, GraphBuilder, type TensorRef } from './graph-def.ts';
import { GraphSession } from './session.ts';
import { TraceError, tensorId, traceOps } from './trace.ts';
import { ValueError } from '../../../errors.ts';

export interface InferenceInput {
  /** Placeholder name (letters, digits, _ and /). */
  name: string;
  /** Fixed float32 shape, batch first. */
  shape: number[];
}

export class InferenceGraph {
  /** TensorFlow op calls the eager computation made (what it dispatches one by one). */
  readonly eagerOps: number;
  private readonly session: GraphSession;

  private constructor(private readonly inputs: InferenceInput[], private readonly fetches: string[], nodes: GraphBuilder, eagerOps: number, backend: TfBackend) {
    this.eagerOps = eagerOps;
    this.session = new GraphSession(backend, nodes.nodes);
  }

  /**
   * Traces `fn` (float32 inputs of `inputs`' shapes -> output tensors) on the active native engine and
   * loads it as a graph session.
   * @throws ValueError off the native engine; TraceError when `fn` reads values back into JS, reads a tensor
   *   created before the trace that is not in `frozen`, or returns a tensor it did not compute; Error
   *   with TensorFlow's message when the session refuses the graph.
   */
  static create(inputs: InferenceInput[], frozen: Iterable<tf.Tensor>, fn: (inputs: tf.Tensor[]) => tf.Tensor[]): InferenceGraph {
    if (tf.getBackend() !== NATIVE_BACKEND) {
      throw new ValueError(`inference graph: runs on the native engine (tfjs backend '${NATIVE_BACKEND}'); the active backend is '${tf.getBackend()}'`);
    }
    const backend = tf.backend() as TfBackend;
    const g = new GraphBuilder(backend);
    const bound = new Map<number, TensorRef>();
    const shapes = new Map<number, readonly number[]>();
    const zeros = inputs.map((i) => tf.zeros(i.shape));
    let outputs: tf.Tensor[] = [];
    try {
      zeros.forEach((z, k) => bound.set(tensorId(backend, z), g.placeholder(inputs[k]!.name, DT.FLOAT, inputs[k]!.shape)));
      let c = 0;
      for (const t of frozen) {
        const id = tensorId(backend, t);
        if (bound.has(id)) continue;
        if (t.dtype !== 'float32') throw new TraceError(`inference graph: frozen tensors must be float32; one is ${t.dtype}`);
        bound.set(id, g.constant(`frozen/${c++}`, DT.FLOAT, t.shape, t.dataSync() as Float32Array));
        shapes.set(id, t.shape);
      }
      const { trace } = traceOps(backend, () => {
        outputs = tf.tidy(() => fn(zeros));
      });
      const refs = g.addTrace('f', trace, bound, shapes);
      const fetches = outputs.map((t, k) => {
        const ref = refs.get(tensorId(backend, t));
        if (ref === undefined) throw new TraceError(`inference graph: output ${k} was not computed by the traced function`);
        return g.node(`out/${k}`, 'Identity', [ref], { T: { type: DT.FLOAT } });
      });
      return new InferenceGraph(inputs, fetches, g, trace.ops.length, backend);
    } finally {
      tf.dispose([...zeros, ...outputs]);
    }
  }

  /**
   * One TF_SessionRun: `feeds` in the order and shapes of create()'s inputs; returns the outputs
   * (caller disposes). @throws ValueError for a wrong number of inputs or naming the input whose shape differs.
   */
  run(feeds: tf.Tensor[]): tf.Tensor[] {
    if (feeds.length !== this.inputs.length) throw new ValueError(`inference graph: ${feeds.length} inputs fed; it takes ${this.inputs.length}`);
    feeds.forEach((t, k) => {
      const want = this.inputs[k]!.shape;
      if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw new ValueError(`inference graph: input "${this.inputs[k]!.name}" has shape [${t.shape}]; the graph takes [${want}]`);
      }
    });
    return this.session.run(feeds.map((t, k) => [this.inputs[k]!.name, t]), this.fetches);
  }

  dispose(): void {
    this.session.dispose();
  }
}
