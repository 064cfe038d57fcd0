/**
 * The training step as one TensorFlow graph, run with one call per batch (native engine only).
 *
 * Trace and compile: the eager step on tfjs-node is a sequence of TensorFlow ops (forward pass, the
 * book's loss, tfjs's gradient tape with our native gradients). Running it once while recording the
 * addon's op calls (engine/native/compiled/trace.ts) gives that sequence for ANY model spec, with no
 * gradient written per op. The recorded ops become a GraphDef (graph-def.ts) in which
 *   - weights, BatchNormalization moving statistics and Adam's m and v are resource variables that
 *     live in the session between steps (VarHandleOp; read once per step with ReadVariableOp);
 *   - images [n, H, W, C], the VAE noise eps [n, latentDim], the KL weight and Adam's beta1^t,
 *     beta2^t are placeholders fed per step, and so, for a conditional VAE, is the one-hot label
 *     matrix [n, K] float32 (see CompiledStepInputs.labels); everything else the step uploaded from
 *     JS is a Const;
 *   - each weight's update is TensorFlow's ResourceApplyAdam (the kernel the eager path and Keras
 *     run: training/adam.ts's formula), moving statistics are assigned the values the traced
 *     BatchNormalization computed (tfjs-layers' update, as Keras's), all after every read;
 *   - the losses are fetched through Identity nodes that wait for every update.
 * One session (session.ts: TF_LoadSessionFromSavedModel + TF_SessionRun) runs it, so grappler
 * optimises the graph once. A graph has fixed shapes: one subgraph per batch size (the run's batch
 * size and its last partial batch), all on the same variables.
 *
 * The tfjs models and the Adam object are not updated by step(); sync() copies the session's state
 * back (before validation, samples, checkpoints, export). The state at create() is copied in.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TraceError, tensorId, traceOps, type Trace } from '../engine/native/compiled/trace.ts';
import { DT, GraphBuilder, type TensorRef } from '../engine/native/compiled/graph-def.ts';
import { GraphSession } from '../engine/native/compiled/session.ts';
import { NATIVE_BACKEND } from '../engine/native/dispatch.ts';
import type { TfBackend } from '../engine/native/tf-ops.ts';
import { ValueError } from '../errors.ts';
import { classCount, oneHotLabels, type Adam, type ModelPair } from '@latentkit/models';
import type { Losses } from '../types.ts';
import { forwardLoss } from './step.ts';
import { nonTrainableVariables, trainableVariables } from './weights.ts';
import { shardSizes } from './shards.ts';

export { TraceError };

export interface CompiledStepOptions {
  /** The batch sizes the graph takes (e.g. the run's batch size and its last partial batch). */
  batchSizes: number[];
  /** Batch sizes of the validation pass (evaluate()); default none. */
  evalBatchSizes?: number[];
  /** Reconstruction weight, fixed in the graph; default the spec's loss.scale. */
  lossScale?: number;
  /**
   * Data-parallel replicas inside the graph (default 1): each batch is split into this many
   * near-equal shards (shardSizes), each shard's forward and backward pass is its own copy of the
   * traced step, and their gradients are combined into the whole batch's before one Adam update.
   * TensorFlow's inter-op pool then runs the copies side by side, one per core, which pays when
   * each op runs on one thread (TF_NUM_INTRAOP_THREADS=1; engine/native/threads.ts): no op
   * then waits on another core, and TensorFlow's per-op thread hand-offs go. The sums are the
   * whole batch's up to float32 summation order. Not for models with BatchNormalization: a shard
   * would normalise with its own statistics, where the book's Keras (and replicas: 1) use the batch's.
   */
  replicas?: number;
}

export interface CompiledStepInputs {
  /** VAE noise [n, latentDim] row-major; omitted: unseeded N(0, 1) draws (as the eager step). */
  eps?: Float32Array;
  /** KL weight (VAEs); default the spec's beta. */
  klWeight?: number;
  /**
   * Class index per image: required by a conditional VAE (spec.conditional, K classes), ignored
   * otherwise, as by the eager step. Turned into the one-hot [n, K] float32 matrix the models take
   * (@latentkit/models oneHotLabels, which checks the range) and fed to the graph's label
   * placeholder. One-hot rather than int labels with a OneHot node in the graph: the eager step
   * uploads exactly this matrix, so the recorded graph is the eager step's op for op, and the
   * range check stays in JS with the eager path's error.
   */
  labels?: Int32Array;
}

/** Variables of the session, in one order: weights, moving statistics, Adam m, Adam v. */
interface StateVar {
  key: string;
  kind: 'weight' | 'moving' | 'm' | 'v';
  shape: number[];
  handle: TensorRef;
}

let sessions = 0;

/** One batch size's step: its placeholders and fetches. */
interface SizedStep {
  images: string;
  eps?: string;
  klWeight?: string;
  /** The one-hot labels [n, K] of a conditional VAE. */
  labels?: string;
  fetches: string[];
}

/** The names of the losses a step returns, in fetch order. */
const LOSS_NAMES = ['total', 'reconstruction', 'kl'] as const;

/** One recorded eager step (or inference pass) on a shard of one size, and the ids it reads and yields. */
interface ShardTrace {
  trace: Trace;
  inputs: {
    images: number;
    eps?: number;
    klWeight?: number;
    labels?: number;
    /** "weight:<key>" / "moving:<key>" -> the id the step read that variable as. */
    reads: Map<string, number>;
    readShapes: Map<number, readonly number[]>;
  };
  /** total, reconstruction, kl (VAEs). */
  losses: number[];
  grads: Map<string, number>;
  /** BatchNormalization's new moving statistics (training only). */
  moving: Map<string, number>;
  dispose(): void;
}

/** TensorFlow op calls one eager step made while traced (graph nodes before grappler), per batch size. */
export type KernelCounts = Record<number, number>;

export class CompiledStep {
  /** Op calls per traced eager step, by batch size (what the eager path dispatches one by one). */
  readonly eagerOps: KernelCounts = {};
  /** Nodes of the graph the session loaded (all batch sizes, variables, init and sync included). */
  readonly graphNodes: number;
  /** Nodes each graph rewrite changed (engine/native/compiled/rewrites/), all subgraphs together. */
  readonly rewrites: Record<string, number>;
  private readonly steps = new Map<number, SizedStep>();
  private readonly evals = new Map<number, SizedStep>();
  private readonly state: StateVar[] = [];
  private readonly session: GraphSession;
  private readonly backend: TfBackend;
  private readonly powers = { beta1: 'adam/beta1_power', beta2: 'adam/beta2_power' };
  /** Shards per batch (CompiledStepOptions.replicas). */
  readonly replicas: number;

  private constructor(private readonly pair: ModelPair, private readonly optimizer: Adam, options: CompiledStepOptions) {
    if (tf.getBackend() !== NATIVE_BACKEND) {
      throw new ValueError(`the compiled step runs on the native engine (tfjs backend '${NATIVE_BACKEND}'); the active backend is '${tf.getBackend()}' (train with --no-compile)`);
    }
    this.backend = tf.backend() as TfBackend;
    const sizes = [...new Set(options.batchSizes)];
    for (const n of sizes) if (!Number.isInteger(n) || n < 1) throw new ValueError(`compiled step: batch sizes must be positive integers, received ${n}`);
    this.replicas = options.replicas ?? 1;
    if (!Number.isInteger(this.replicas) || this.replicas < 1) throw new ValueError(`compiled step: replicas must be a positive integer, received ${this.replicas}`);
    if (this.replicas > 1 && nonTrainableVariables(pair).size > 0) {
      throw new ValueError(`compiled step: replicas ${this.replicas} with BatchNormalization: each shard would normalise with its own statistics; train this model with replicas: 1`);
    }
    const g = new GraphBuilder(this.backend);
    const run = `latentkit_${process.pid}_${sessions++}`;
    const add = (kind: StateVar['kind'], key: string, shape: number[]) => {
      const i = this.state.length;
      this.state.push({ key, kind, shape, handle: g.variable(`var/${i}_${kind}`, shape, `${run}_${i}`) });
    };
    const weights = trainableVariables(pair);
    const moving = nonTrainableVariables(pair);
    for (const [k, v] of weights) add('weight', k, v.shape);
    for (const [k, v] of moving) add('moving', k, v.shape);
    for (const [k, v] of weights) add('m', k, v.shape);
    for (const [k, v] of weights) add('v', k, v.shape);
    g.placeholder(this.powers.beta1, DT.FLOAT, []);
    g.placeholder(this.powers.beta2, DT.FLOAT, []);
    const hyper = {
      lr: g.scalar('adam/lr', optimizer.learningRate),
      beta1: g.scalar('adam/beta1', optimizer.beta1),
      beta2: g.scalar('adam/beta2', optimizer.beta2),
      epsilon: g.scalar('adam/epsilon', optimizer.epsilon),
    };
    for (const n of sizes) this.steps.set(n, this.addStep(g, `b${n}`, n, options.lossScale, hyper));
    for (const n of new Set(options.evalBatchSizes ?? [])) {
      if (!Number.isInteger(n) || n < 1) throw new ValueError(`compiled step: batch sizes must be positive integers, received ${n}`);
      this.evals.set(n, this.addStep(g, `e${n}`, n, options.lossScale));
    }
    // init: feed every variable; sync: read every variable.
    const assigns = this.state.map((s, i) => g.assign(`init/assign_${i}`, s.handle, g.placeholder(`init/${i}`, DT.FLOAT, s.shape)));
    g.identityAfter('init/done', g.scalar('init/one', 1), assigns);
    this.state.forEach((s, i) => g.read(`sync/${i}`, s.handle));
    this.rewrites = g.rewrite();
    this.graphNodes = g.nodes.length;
    this.session = new GraphSession(this.backend, g.nodes);
    this.load();
  }

  /**
   * Traces one eager step per batch size on the active native engine and loads the graph with the
   * pair's and optimizer's current state. The pair's moving statistics are left as they were.
   * @throws ValueError off the native engine or for a bad batch size; TraceError when the step cannot
   *   be recorded as a graph (the message names the op); Error with TensorFlow's message when the
   *   session refuses the graph.
   */
  static create(pair: ModelPair, optimizer: Adam, options: CompiledStepOptions): CompiledStep {
    return new CompiledStep(pair, optimizer, options);
  }

  /**
   * Adds the subgraph of one batch size: `hyper` given, a training step (BatchNormalization on batch
   * statistics, gradients, Adam and moving-statistics updates); undefined, the inference-mode losses
   * (moving statistics, nothing written), as evaluateBatch computes them. With replicas, the batch
   * is split along its first axis (SplitV) into shards of shardSizes(n, replicas), each shard runs
   * its own copy of the step traced at its size, and the shards' losses and gradients are combined
   * as the whole batch's: the losses are means over images, so the batch's mean is the shards'
   * means weighted by shard size / n (an exact halving for two equal shards).
   */
  private addStep(g: GraphBuilder, prefix: string, n: number, lossScale: number | undefined, hyper?: Record<'lr' | 'beta1' | 'beta2' | 'epsilon', TensorRef>): SizedStep {
    const training = hyper !== undefined;
    const { pair } = this;
    const variational = pair.spec.type === 'vae';
    const weights = trainableVariables(pair);
    const moving = nonTrainableVariables(pair);
    const classes = classCount(pair);
    const shards = shardSizes(n, Math.min(n, this.replicas));
    const sized: SizedStep = { images: g.placeholder(`${prefix}/images`, DT.FLOAT, [n, ...pair.imageShape]), fetches: [] };
    if (variational) {
      sized.eps = g.placeholder(`${prefix}/eps`, DT.FLOAT, [n, pair.latentDim]);
      sized.klWeight = g.placeholder(`${prefix}/kl_weight`, DT.FLOAT, []);
    }
    if (classes !== undefined) sized.labels = g.placeholder(`${prefix}/labels`, DT.FLOAT, [n, classes]);
    // Per shard: the batch inputs it reads (the placeholders themselves when there is one shard).
    const split = (input: TensorRef | undefined, name: string) => (input === undefined ? undefined : g.splitRows(`${prefix}/split_${name}`, input, shards));
    const shardInputs = { images: split(sized.images, 'images')!, eps: split(sized.eps, 'eps'), labels: split(sized.labels, 'labels') };
    const byKey = (kind: StateVar['kind'], key: string) => this.state.find((s) => s.kind === kind && s.key === key)!;
    const reads = new Map<string, TensorRef>();
    for (const [kind, vars] of [['weight', weights], ['moving', moving]] as const) {
      for (const key of vars.keys()) reads.set(`${kind}:${key}`, g.read(`${prefix}/read_${this.state.indexOf(byKey(kind, key))}`, byKey(kind, key).handle));
    }
    const traces = new Map<number, ShardTrace>();
    try {
      const parts = shards.map((size, r) => {
        let t = traces.get(size);
        if (t === undefined) traces.set(size, (t = this.traceShard(size, lossScale, training)));
        const bound = new Map<number, TensorRef>([[t.inputs.images, shardInputs.images[r]!]]);
        if (t.inputs.eps !== undefined) bound.set(t.inputs.eps, shardInputs.eps![r]!);
        if (t.inputs.klWeight !== undefined) bound.set(t.inputs.klWeight, sized.klWeight!);
        if (t.inputs.labels !== undefined) bound.set(t.inputs.labels, shardInputs.labels![r]!);
        for (const [k, id] of t.inputs.reads) bound.set(id, reads.get(k)!);
        const refs = g.addTrace(shards.length === 1 ? prefix : `${prefix}/r${r}`, t.trace, bound, t.inputs.readShapes);
        const ref = (id: number, what: string) => {
          const found = refs.get(id);
          if (found === undefined) throw new TraceError(`${what} was not computed by the recorded step`);
          return found;
        };
        return {
          losses: t.losses.map((id, i) => ref(id, `the ${LOSS_NAMES[i]} loss`)),
          grads: new Map([...t.grads].map(([key, id]) => [key, ref(id, `the gradient of ${key}`)])),
          moving: new Map([...t.moving].map(([key, id]) => [key, ref(id, `the new value of ${key}`)])),
        };
      });
      if (training) this.eagerOps[n] = traces.get(shards[0]!)!.trace.ops.length;
      const combine = (name: string, values: TensorRef[]) => g.weightedSum(name, values, shards.map((s) => s / n));
      const losses = parts[0]!.losses.map((_, i) => combine(`${prefix}/${LOSS_NAMES[i]}_shards`, parts.map((p) => p.losses[i]!)));
      if (!training) {
        sized.fetches = losses;
        return sized;
      }
      const readList = [...reads.values()];
      const updates: string[] = [];
      for (const key of parts[0]!.grads.keys()) {
        const [w, m, v] = (['weight', 'm', 'v'] as const).map((kind) => byKey(kind, key).handle);
        const index = this.state.indexOf(byKey('weight', key));
        const grad = combine(`${prefix}/grad_${index}`, parts.map((p) => p.grads.get(key)!));
        updates.push(
          g.node(`${prefix}/adam_${index}`, 'ResourceApplyAdam',
            [w!, m!, v!, this.powers.beta1, this.powers.beta2, hyper!.lr, hyper!.beta1, hyper!.beta2, hyper!.epsilon, grad, ...readList.map((r) => `^${r}`)],
            { T: { type: DT.FLOAT }, use_locking: { b: false }, use_nesterov: { b: false } }),
        );
      }
      for (const key of moving.keys()) {
        const s = byKey('moving', key);
        updates.push(g.assign(`${prefix}/update_${this.state.indexOf(s)}`, s.handle, parts[0]!.moving.get(key)!, readList));
      }
      sized.fetches = losses.map((l, i) => g.identityAfter(`${prefix}/${LOSS_NAMES[i]}`, l, updates));
      return sized;
    } finally {
      for (const t of traces.values()) t.dispose();
    }
  }

  /**
   * Runs the eager step (training) or the inference-mode losses once on zeros of `n` images while
   * recording its ops; returns the record and the ids of its inputs and results. BatchNormalization
   * moving statistics are put back as they were.
   */
  private traceShard(n: number, lossScale: number | undefined, training: boolean): ShardTrace {
    const { pair } = this;
    const variational = pair.spec.type === 'vae';
    const weights = trainableVariables(pair);
    const moving = nonTrainableVariables(pair);
    const classes = classCount(pair);
    const images = tf.zeros([n, ...pair.imageShape]) as tf.Tensor4D;
    const eps = variational ? tf.zeros([n, pair.latentDim]) as tf.Tensor2D : undefined;
    const klWeight = variational ? tf.scalar(pair.spec.beta) : undefined;
    const labels = classes === undefined ? undefined : tf.zeros([n, classes]) as tf.Tensor2D;
    const snapshot = new Map([...moving].map(([k, v]) => [k, v.clone()]));
    const id = (t: tf.Tensor) => tensorId(this.backend, t);
    const reads = new Map<string, number>();
    const readShapes = new Map<number, readonly number[]>();
    for (const [kind, vars] of [['weight', weights], ['moving', moving]] as const) {
      for (const [key, v] of vars) {
        reads.set(`${kind}:${key}`, id(v));
        readShapes.set(id(v), v.shape);
      }
    }
    let losses: tf.Scalar[] = [];
    const grads: tf.NamedTensorMap = {};
    const held: tf.Tensor[] = [images, ...(eps ? [eps] : []), ...(klWeight ? [klWeight] : []), ...(labels ? [labels] : [])];
    try {
      const keyOfName = new Map([...weights].map(([k, v]) => [v.name, k]));
      const { trace } = traceOps(this.backend, () => {
        if (!training) {
          const l = forwardLoss(pair, images, eps, { lossScale, klWeight }, false, labels);
          losses = [l.total, l.reconstruction, ...(l.kl ? [l.kl] : [])];
          return;
        }
        const result = tf.variableGrads(() => {
          const l = forwardLoss(pair, images, eps, { lossScale, klWeight }, true, labels);
          losses = [l.reconstruction, ...(l.kl ? [l.kl] : [])].map((t) => tf.keep(t));
          return l.total;
        }, [...weights.values()]);
        losses.unshift(result.value);
        for (const [name, t] of Object.entries(result.grads)) grads[keyOfName.get(name)!] = t;
      });
      held.push(...losses, ...Object.values(grads));
      return {
        trace,
        inputs: { images: id(images), eps: eps && id(eps), klWeight: klWeight && id(klWeight), labels: labels && id(labels), reads, readShapes },
        losses: losses.map(id),
        grads: new Map(Object.entries(grads).map(([k, t]) => [k, id(t)])),
        // The traced BatchNormalization assigned the moving statistics: their new values.
        moving: new Map(training ? [...moving].map(([k, v]) => [k, id(v)]) : []),
        dispose: () => tf.dispose(held),
      };
    } catch (error) {
      tf.dispose(held);
      throw error;
    } finally {
      for (const [k, v] of moving) v.assign(snapshot.get(k)!);
      tf.dispose([...snapshot.values()]);
    }
  }

  /** The tfjs tensors of every state variable, in state order (Adam moments zero where not yet created). */
  private tfjsState(): { tensors: tf.Tensor[]; temporary: tf.Tensor[] } {
    const weights = trainableVariables(this.pair);
    const moving = nonTrainableVariables(this.pair);
    const adam = this.optimizer.getState().tensors;
    const temporary: tf.Tensor[] = [];
    const tensors = this.state.map((s) => {
      if (s.kind === 'weight') return weights.get(s.key)!;
      if (s.kind === 'moving') return moving.get(s.key)!;
      const t = adam[`${s.key}/${s.kind}`];
      if (t) return t;
      const z = tf.zeros(s.shape);
      temporary.push(z);
      return z;
    });
    return { tensors, temporary };
  }

  /** Copies the pair's weights and moving statistics and the optimizer's moments into the session. */
  load(): void {
    const { tensors, temporary } = this.tfjsState();
    try {
      tf.dispose(this.session.run(tensors.map((t, i) => [`init/${i}`, t]), ['init/done']));
    } finally {
      tf.dispose(temporary);
    }
  }

  /** Feeds of one batch ([n, H, W, C] images, eps, KL weight, labels) for `sized`; checks shapes. Returns the tensors made here. */
  private batchFeeds(sized: SizedStep | undefined, images: tf.Tensor4D, inputs: CompiledStepInputs, compiled: number[], feeds: [string, tf.Tensor][]): tf.Tensor[] {
    const n = images.shape[0];
    if (sized === undefined) throw new ValueError(`compiled step: batch of ${n} images; the graph takes ${compiled.join(' or ')}`);
    const [, h, w, c] = images.shape;
    const [eh, ew, ec] = this.pair.imageShape;
    if (h !== eh || w !== ew || c !== ec) throw new ValueError(`images have shape [${images.shape}]; the model takes [n, ${eh}, ${ew}, ${ec}]`);
    const { latentDim } = this.pair;
    if (inputs.eps !== undefined && inputs.eps.length !== n * latentDim) {
      throw new ValueError(`eps holds ${inputs.eps.length} values; ${n} images x latentDim ${latentDim} = ${n * latentDim} expected`);
    }
    const classes = classCount(this.pair);
    if (classes !== undefined) {
      if (inputs.labels === undefined) throw new ValueError(`this conditional VAE (${classes} classes) needs a label per image; the batch has none`);
      if (inputs.labels.length !== n) throw new ValueError(`${inputs.labels.length} labels for ${n} images: they must match`);
    }
    const owned: tf.Tensor[] = [];
    if (sized.labels !== undefined) {
      const labels = oneHotLabels(inputs.labels!, classes!);
      owned.push(labels);
      feeds.push([sized.labels, labels]);
    }
    feeds.push([sized.images, images]);
    if (sized.eps !== undefined) {
      const eps = inputs.eps ? tf.tensor2d(inputs.eps, [n, latentDim]) : tf.randomNormal([n, latentDim]);
      owned.push(eps);
      feeds.push([sized.eps, eps]);
    }
    if (sized.klWeight !== undefined) {
      const k = tf.scalar(inputs.klWeight ?? this.pair.spec.beta);
      owned.push(k);
      feeds.push([sized.klWeight, k]);
    }
    return owned;
  }

  /** Runs `fetches` ([total, reconstruction, kl?]) and reads them as Losses. */
  private runLosses(feeds: [string, tf.Tensor][], fetches: string[]): Losses {
    const out = this.session.run(feeds, fetches);
    try {
      const [total, reconstruction, kl] = out.map((x) => x.dataSync()[0]!);
      const losses: Losses = { total: total!, reconstruction: reconstruction! };
      if (kl !== undefined) losses.kl = kl;
      return losses;
    } finally {
      tf.dispose(out);
    }
  }

  /**
   * One training step: the forward pass, the loss, gradients and the Adam update of every weight in
   * one session run; `images` is [n, H, W, C] in [0, 1] with n one of the compiled batch sizes.
   * Returns the batch's losses (per image). Increments optimizer.step.
   * @throws ValueError for a batch size not compiled, images of another shape, eps of the wrong
   *   length, or (conditional VAE) labels missing, of another count or out of range.
   */
  step(images: tf.Tensor4D, inputs: CompiledStepInputs = {}): Losses {
    const t = this.optimizer.step + 1;
    const feeds: [string, tf.Tensor][] = [];
    const owned = this.batchFeeds(this.steps.get(images.shape[0]), images, inputs, [...this.steps.keys()], feeds);
    const powers = [tf.scalar(this.optimizer.beta1 ** t), tf.scalar(this.optimizer.beta2 ** t)];
    owned.push(...powers);
    feeds.push([this.powers.beta1, powers[0]!], [this.powers.beta2, powers[1]!]);
    try {
      const losses = this.runLosses(feeds, this.steps.get(images.shape[0])!.fetches);
      this.optimizer.step = t;
      return losses;
    } finally {
      tf.dispose(owned);
    }
  }

  /**
   * Losses of one batch in inference mode (BN moving statistics, VAE z sampled with `eps`), on the
   * session's current weights, as evaluateBatch computes them on the pair's; nothing is changed.
   * @throws ValueError for a batch size not compiled for evaluation, images of another shape, eps of
   *   the wrong length, or (conditional VAE) labels missing, of another count or out of range.
   */
  evaluate(images: tf.Tensor4D, inputs: CompiledStepInputs = {}): Losses {
    const feeds: [string, tf.Tensor][] = [];
    const owned = this.batchFeeds(this.evals.get(images.shape[0]), images, inputs, [...this.evals.keys()], feeds);
    try {
      return this.runLosses(feeds, this.evals.get(images.shape[0])!.fetches);
    } finally {
      tf.dispose(owned);
    }
  }

  /** Whether evaluate() takes a batch of `n` images. */
  evaluates(n: number): boolean {
    return this.evals.has(n);
  }

  /** Copies the session's weights, moving statistics and Adam moments back into the pair and the optimizer. */
  sync(): void {
    const out = this.session.run([], this.state.map((_, i) => `sync/${i}`));
    try {
      const weights = trainableVariables(this.pair);
      const moving = nonTrainableVariables(this.pair);
      const adam: tf.NamedTensorMap = {};
      this.state.forEach((s, i) => {
        const value = out[i]!;
        if (s.kind === 'weight') weights.get(s.key)!.assign(value);
        else if (s.kind === 'moving') moving.get(s.key)!.assign(value);
        else adam[`${s.key}/${s.kind}`] = value;
      });
      this.optimizer.setState(this.optimizer.step, adam);
    } finally {
      tf.dispose(out);
    }
  }

  /** Frees the session and its variables (sync() first to keep the state). */
  dispose(): void {
    this.session.dispose();
  }
}
