/**
 * A batched inference pass over a trained pair (encoding the validation images for latents.json,
 * the quality report's reconstruction errors) that, on the native engine, runs its full batches as
 * one TensorFlow graph call each (engine/native/compiled/inference.ts: the computation traced once,
 * the pair's weights frozen as constants), the rest eagerly.
 *
 * When: the graph is built on the first full batch, if the pass will run at least MIN_GRAPH_BATCHES
 * of them. Building costs about one to three eager batches (trace, grappler, session load: 75 ms
 * for the Fashion VAE's encoder, 190 ms for the faces VAE's, batch 250); measured at the real sizes
 * (bench/inference-graph.ts; engine README, "Inference passes") the graph pass then takes 1.3-3.1x
 * less time than the eager one. A partial last batch runs eagerly (a second graph would cost more
 * than it saves). If the trace or TensorFlow refuses the graph, the pass says why through `log` and
 * stays eager. Outputs equal the eager ones to float32 rounding (same kernels; grappler may fuse).
 */
import * as tf from '@tensorflow/tfjs-core';
import { NATIVE_BACKEND } from '../engine/native/dispatch.ts';
import { InferenceGraph } from '../engine/native/compiled/inference.ts';
import type { ModelPair } from '@latentkit/models';
import { allVariables } from './weights.ts';

/** Full batches a pass needs before a graph pays for its building (see the module comment). */
export const MIN_GRAPH_BATCHES = 4;

export interface InferencePassOptions {
  /** Images per full batch. */
  batchSize: number;
  /** Images the pass will run in all (decides whether a graph pays). */
  images: number;
  /** false: always eager (`--no-compile`); default true. */
  compile?: boolean;
  /** Where to say that the graph was refused (default: nowhere). */
  log?: (msg: string) => void;
  /** What the pass is, for that message (e.g. "latents"). */
  name?: string;
}

/** What a pass's caller passes down from the run: `--no-compile` and the run's log. */
export type InferencePassSwitches = Pick<InferencePassOptions, 'compile' | 'log'>;

export class InferencePass {
  private graph: InferenceGraph | undefined;
  private eagerOnly: boolean;

  /**
   * `fn` computes one batch: float32 inputs (batch first; images, then any noise or one-hot labels)
   * -> outputs, reading only `pair`'s weights besides its inputs. Construct after training: the graph
   * keeps the weights it saw.
   */
  constructor(
    private readonly pair: ModelPair,
    private readonly fn: (inputs: tf.Tensor[]) => tf.Tensor[],
    private readonly options: InferencePassOptions,
  ) {
    this.eagerOnly = options.compile === false || tf.getBackend() !== NATIVE_BACKEND || Math.floor(options.images / options.batchSize) < MIN_GRAPH_BATCHES;
  }

  /** Whether full batches run as graph calls (after the first full batch; false once refused). */
  get compiled(): boolean {
    return this.graph !== undefined;
  }

  /** `fn` of one batch (caller disposes the outputs). */
  run(inputs: tf.Tensor[]): tf.Tensor[] {
    if (!this.eagerOnly && inputs[0]!.shape[0] === this.options.batchSize) {
      if (this.graph === undefined) {
        try {
          this.graph = InferenceGraph.create(inputs.map((t, k) => ({ name: `input_${k}`, shape: t.shape })), allVariables(this.pair).values(), this.fn);
        } catch (err) {
          this.eagerOnly = true;
          this.options.log?.(`${this.options.name ?? 'inference pass'}: graph unavailable (${(err as Error).message}); eager`);
        }
      }
      if (this.graph !== undefined) return this.graph.run(inputs);
    }
    return tf.tidy(() => this.fn(inputs));
  }

  /** run(), then disposes `inputs` (also when it throws): for inputs made for one batch. */
  runOwned(inputs: tf.Tensor[]): tf.Tensor[] {
    try {
      return this.run(inputs);
    } finally {
      tf.dispose(inputs);
    }
  }

  dispose(): void {
    this.graph?.dispose();
    this.graph = undefined;
  }
}
