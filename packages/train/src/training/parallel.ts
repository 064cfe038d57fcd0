/**
 * Data-parallel training over several CPU cores: the main thread plus (workers - 1) worker_threads,
 * each with its own tfjs (wasm) instance and a replica of the model. A batch is split into
 * near-equal shards; every replica computes its shard's gradients with step.ts's computeGradients;
 * the main thread averages them weighted by shard size, applies them with the optimizer to its
 * replica, and sends the new weights to the workers, so the replicas stay bit-identical.
 *
 *   createParallelStepper(options: ParallelStepperOptions): Promise<ParallelStepper>
 *
 *   interface ParallelStepperOptions {
 *     pair: ModelPair;          // the main thread's replica; its weights are the truth
 *     optimizer: Adam;          // applies the averaged gradients to `pair`
 *     modelArgs?: ModelArgs;    // how buildModel(pair.spec, modelArgs) rebuilds it in a worker
 *     workers?: number;         // replicas incl. this thread; 1 (default) = today's single-thread path
 *     engine: EngineInfo;       // the engine this thread runs (initEngine's result); each worker loads the same one
 *     lossScale?: number;       // passed to computeGradients (klWeight comes with each step)
 *     microBatch?: number;      // per-replica micro-batch (passed to computeGradients)
 *   }
 *   interface ParallelStepper {
 *     readonly workers: number;
 *     step(images: tf.Tensor4D, options?: { eps?: Float32Array }): Promise<Losses>;   // gradients + update + sync
 *     gradients(images, options?): Promise<GradientResult>;   // averaged gradients, no update (caller
 *                                    // disposes); BN moving statistics are updated on this thread, so
 *                                    // call syncWeights() before the next shard goes to the workers
 *     syncWeights(): Promise<void>;  // push this thread's weights to the workers (after loading a checkpoint)
 *     readWorkerWeights(): Promise<WeightValues[]>;  // diagnostics: every worker's weights
 *     dispose(): Promise<void>;      // stops the workers (idempotent)
 *   }
 *
 * Semantics: without BatchNormalization (AE, Fashion VAE) a step equals a one-thread step on the
 * whole batch up to float32 summation order (~1e-6). With BN (faces VAE) each shard normalises with
 * its own statistics, as Keras does per replica under MirroredStrategy; the BN moving statistics
 * become the shard-size-weighted mean of the replicas' (the same rule as step.ts's micro-batches).
 * `eps` (VAE noise, [count, latentDim] row-major) is split with the images, so results do not
 * depend on the number of workers.
 *
 * Measured (NOTES.md): main + 1 worker took the AE from ~190 to ~240 img/s on 2 cores; the exchange
 * (~1.4 MB of gradients and weights a step) costs a few ms.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { EngineInfo } from '../engine/select.ts';
import { ValueError } from '../errors.ts';
import type { ModelArgs } from '@latentkit/models';
import type { ModelPair } from '@latentkit/models';
import type { Losses } from '../types.ts';
import type { Adam } from '@latentkit/models';
import { buffersOf, type FromWorker, type GradientsReply, type ToWorker, type WeightValues } from './parallel-protocol.ts';
import { computeGradients, type GradientResult } from './step.ts';
import { allVariables, nonTrainableVariables, trainableVariables } from './weights.ts';
import { shardSizes } from './shards.ts';

export type { WeightValues } from './parallel-protocol.ts';

export interface ParallelStepperOptions {
  pair: ModelPair;
  optimizer: Adam;
  modelArgs?: ModelArgs;
  workers?: number;
  /** The engine this thread trains on (initEngine's result); every worker thread loads the same one. */
  engine: EngineInfo;
  /** Reconstruction weight (default the spec's loss.scale). */
  lossScale?: number;
  microBatch?: number;
}

export interface StepInput {
  /** VAE noise for the whole batch, [count, latentDim] row-major. */
  eps?: Float32Array;
  /** KL weight of this step (default the spec's beta). */
  klWeight?: number;
  /** Class index per image (conditional VAEs), split with the images. */
  labels?: Int32Array;
}

export interface ParallelStepper {
  readonly workers: number;
  step(images: tf.Tensor4D, options?: StepInput): Promise<Losses>;
  gradients(images: tf.Tensor4D, options?: StepInput): Promise<GradientResult>;
  syncWeights(): Promise<void>;
  readWorkerWeights(): Promise<WeightValues[]>;
  dispose(): Promise<void>;
}


function readValues(vars: Map<string, tf.Variable>): WeightValues {
  const out: WeightValues = {};
  for (const [key, v] of vars) out[key] = (v.dataSync() as Float32Array).slice();
  return out;
}

/** One worker thread and its pending requests. */
class WorkerHandle {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private hasExited = false;
  readonly exited: Promise<number>;

  constructor(readonly index: number) {
    // In the workspace the worker runs TypeScript like the rest of the package. Node 20 does not apply
    // `--import tsx` to a worker's entry module, so a small bootstrap registers tsx's hooks there first.
    // The built package (dist/*.js, no tsx) imports the built worker directly.
    const built = import.meta.url.endsWith('.js');
    const entry = new URL(built ? './parallel-worker.js' : './parallel-worker.ts', import.meta.url).href;
    const bootstrap = built
      ? `import(${JSON.stringify(entry)})`
      : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
    this.worker = new Worker(bootstrap, { eval: true });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e: Error) => this.fail(new Error(`parallel worker ${index} crashed: ${e.message}`, { cause: e })));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.hasExited = true;
        this.fail(new Error(`parallel worker ${index} exited (code ${code})`));
        resolve(code);
      });
    });
  }

  private onMessage(m: FromWorker): void {
    const id = m.type === 'ready' ? 0 : (m.id ?? 0);
    if (m.type !== 'error') {
      this.settle(id, m, undefined);
      return;
    }
    const error = new Error(`parallel worker ${this.index}: ${m.message}`);
    // An error nobody waits for (a failed weights update) leaves this replica unusable.
    if (!this.settle(id, undefined, error)) this.fail(error);
  }

  private settle(id: number, value: FromWorker | undefined, error: Error | undefined): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    if (error) p.reject(error);
    else p.resolve(value!);
    return true;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Sends a message; with `expectReply`, resolves with the worker's answer to it. */
  request<T extends FromWorker>(message: ToWorker, transfer: ArrayBuffer[] = [], expectReply = true): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    let id = 0;
    if ('id' in message) {
      id = this.nextId++;
      message.id = id;
    }
    const reply = expectReply
      ? new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (m: FromWorker) => void, reject }))
      : Promise.resolve(undefined as unknown as T);
    this.worker.postMessage(message, transfer);
    return reply;
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }

  async close(): Promise<void> {
    this.fail(new Error(`parallel worker ${this.index} was disposed`));
    if (!this.hasExited) this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 5000, 'timeout').unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker.terminate();
  }
}

export async function createParallelStepper(options: ParallelStepperOptions): Promise<ParallelStepper> {
  const { pair, optimizer } = options;
  const replicas = options.workers ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new ValueError(`workers must be a positive integer (1 = this thread only), received ${replicas}`);
  }
  const engine = options.engine.name;
  const gradOptions = { lossScale: options.lossScale, microBatch: options.microBatch };
  const handles: WorkerHandle[] = [];
  let disposed = false;

  const broadcastWeights = () => {
    for (const h of handles) {
      const weights = readValues(allVariables(pair));
      h.post({ type: 'weights', weights }, buffersOf(weights));
    }
  };

  try {
    for (let i = 1; i < replicas; i++) handles.push(new WorkerHandle(i));
    await Promise.all(
      handles.map((h) => {
        const weights = readValues(allVariables(pair));
        return h.request({ type: 'init', spec: pair.spec, modelArgs: options.modelArgs ?? {}, engine, ...gradOptions, weights }, buffersOf(weights));
      }),
    );
  } catch (error) {
    await Promise.all(handles.map((h) => h.close()));
    throw error;
  }

  const checkOpen = () => {
    if (disposed) throw new Error('this parallel stepper was disposed; create a new one');
  };

  async function gradients(images: tf.Tensor4D, input: StepInput = {}): Promise<GradientResult> {
    checkOpen();
    const n = images.shape[0];
    const [h, w, c] = pair.imageShape;
    if (images.shape[1] !== h || images.shape[2] !== w || images.shape[3] !== c) {
      throw new ValueError(`images have shape [${images.shape}]; the ${pair.kind ?? pair.spec.type} model takes [n, ${h}, ${w}, ${c}]`);
    }
    const dim = pair.latentDim;
    if (input.eps !== undefined && input.eps.length !== n * dim) {
      throw new ValueError(`eps holds ${input.eps.length} values; ${n} images x latentDim ${dim} = ${n * dim} expected`);
    }
    if (handles.length === 0 || n < replicas) {
      return computeGradients(pair, images, { ...gradOptions, eps: input.eps, klWeight: input.klWeight, labels: input.labels });
    }
    const sizes = shardSizes(n, replicas);
    const pixels = h * w * c;
    const all = images.dataSync() as Float32Array;
    // Shards 1.. go to the workers first, so they compute while this thread does shard 0.
    const replies: Promise<GradientsReply>[] = [];
    let start = sizes[0]!;
    handles.forEach((handle, i) => {
      const count = sizes[i + 1]!;
      const shard = all.slice(start * pixels, (start + count) * pixels);
      const eps = input.eps?.slice(start * dim, (start + count) * dim);
      const labels = input.labels?.slice(start, start + count);
      const transfer = [shard.buffer, ...(eps ? [eps.buffer as ArrayBuffer] : []), ...(labels ? [labels.buffer as ArrayBuffer] : [])];
      replies.push(handle.request<GradientsReply>({ type: 'gradients', id: 0, images: shard, count, eps, klWeight: input.klWeight, labels }, transfer));
      start += count;
    });
    // Always settle the workers' promises, even when this thread's shard fails.
    const settled = Promise.allSettled(replies);
    const n0 = sizes[0]!;
    let own: GradientResult;
    try {
      const x0 = tf.slice(images, [0, 0, 0, 0], [n0, h, w, c]);
      try {
        own = computeGradients(pair, x0, { ...gradOptions, eps: input.eps?.subarray(0, n0 * dim), klWeight: input.klWeight, labels: input.labels?.subarray(0, n0) });
      } finally {
        x0.dispose();
      }
    } catch (error) {
      await settled;
      throw error;
    }
    const results = await settled;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      tf.dispose(Object.values(own.grads));
      throw failed.reason as Error;
    }
    const others = results.map((r) => (r as PromiseFulfilledResult<GradientsReply>).value);
    return combine(own, others, n);
  }

  function combine(own: GradientResult, others: GradientsReply[], n: number): GradientResult {
    const w0 = own.count / n;
    const grads: tf.NamedTensorMap = {};
    for (const [key, g] of Object.entries(own.grads)) {
      grads[key] = tf.tidy(() => {
        let acc = tf.mul(g, w0);
        for (const o of others) {
          const values = o.grads[key];
          if (!values) throw new Error(`a parallel worker returned no gradient for "${key}"`);
          acc = tf.add(acc, tf.mul(tf.tensor(values, g.shape), o.count / n));
        }
        return acc;
      });
      g.dispose();
    }
    // BN moving statistics: shard-size-weighted mean of the replicas' (see the header).
    for (const [key, v] of nonTrainableVariables(pair)) {
      tf.tidy(() => {
        let acc = tf.mul(v, w0);
        for (const o of others) acc = tf.add(acc, tf.mul(tf.tensor(o.moving[key]!, v.shape), o.count / n));
        v.assign(acc);
      });
    }
    const losses: Losses = { total: own.losses.total * w0, reconstruction: own.losses.reconstruction * w0 };
    if (own.losses.kl !== undefined) losses.kl = own.losses.kl * w0;
    for (const o of others) {
      const wi = o.count / n;
      losses.total += o.losses.total * wi;
      losses.reconstruction += o.losses.reconstruction * wi;
      if (losses.kl !== undefined) losses.kl += (o.losses.kl ?? 0) * wi;
    }
    return { losses, grads, count: n };
  }

  return {
    workers: replicas,
    gradients,
    async step(images, input = {}) {
      const { losses, grads } = await gradients(images, input);
      try {
        optimizer.apply(trainableVariables(pair), grads);
      } finally {
        tf.dispose(Object.values(grads));
      }
      // The workers apply the new weights before their next shard (messages are ordered).
      broadcastWeights();
      return losses;
    },
    async syncWeights() {
      checkOpen();
      broadcastWeights();
    },
    async readWorkerWeights() {
      checkOpen();
      const replies = await Promise.all(handles.map((h) => h.request<{ type: 'weights'; id: number; weights: WeightValues }>({ type: 'read-weights', id: 0 })));
      return replies.map((r) => r.weights);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}
