/** Messages between the parallel stepper (parallel.ts) and its workers (parallel-worker.ts). */
import type { EngineName } from '../engine/select.ts';
import type { ModelArgs } from '@latentkit/models';
import type { Losses, ModelSpec } from '../types.ts';

/** Weight key (see weights.ts) -> values, row-major. */
export type WeightValues = Record<string, Float32Array>;

export interface InitMessage {
  type: 'init';
  /** The spec the worker builds its replica from (buildModel(spec, modelArgs)). */
  spec: ModelSpec;
  modelArgs: ModelArgs;
  engine: EngineName;
  lossScale?: number;
  microBatch?: number;
  /** Every weight of the main thread's replica (trainable and BN moving statistics). */
  weights: WeightValues;
}

export interface GradientsMessage {
  type: 'gradients';
  id: number;
  images: Float32Array;
  count: number;
  eps?: Float32Array;
  /** KL weight of this step (beta x the epoch's warm-up weight); absent: the spec's beta. */
  klWeight?: number;
  /** Class index per image (conditional VAEs). */
  labels?: Int32Array;
}

export interface WeightsMessage {
  type: 'weights';
  weights: WeightValues;
}

export interface ReadWeightsMessage {
  type: 'read-weights';
  id: number;
}

export interface CloseMessage {
  type: 'close';
}

export type ToWorker = InitMessage | GradientsMessage | WeightsMessage | ReadWeightsMessage | CloseMessage;

export interface ReadyReply {
  type: 'ready';
  engine: string;
}

export interface GradientsReply {
  type: 'gradients';
  id: number;
  losses: Losses;
  count: number;
  grads: WeightValues;
  /** BN moving statistics after this shard's forward pass (empty for the Fashion models). */
  moving: WeightValues;
}

export interface WeightsReply {
  type: 'weights';
  id: number;
  weights: WeightValues;
}

export interface ErrorReply {
  type: 'error';
  /** The request that failed; absent when init failed. */
  id?: number;
  message: string;
  stack?: string;
}

export type FromWorker = ReadyReply | GradientsReply | WeightsReply | ErrorReply;

/** The ArrayBuffers of a WeightValues, for postMessage's transfer list. */
export function buffersOf(values: WeightValues): ArrayBuffer[] {
  return Object.values(values).map((v) => v.buffer as ArrayBuffer);
}
