/**
 * How TensorFlow spreads the compiled step over the CPU's cores on the native engine.
 *
 * TensorFlow has two CPU thread pools per process (tensorflow/core/common_runtime/local_device.cc,
 * process_util.cc): the intra-op pool, over which one op splits its work (oneDNN's convolutions
 * included), sized once when the first CPU device is created (tfjs-node's eager context, at load)
 * from TF_NUM_INTRAOP_THREADS or the core count; and the inter-op pool, which runs independent ops
 * side by side, from TF_NUM_INTEROP_THREADS or the core count.
 *
 * TensorFlow's default ('per-op') splits every op over every core. For the book's small models that
 * leaves cores waiting inside each op (a 32 -> 1 convolution, a Dense to a 2-d latent) and adds a
 * hand-off per op. 'per-replica' runs each op on one thread and gives each core its own shard of
 * the batch instead: the compiled step holds one copy of the forward and backward pass per core
 * (CompiledStepOptions.replicas), the inter-op pool runs the copies side by side, and their
 * gradients are combined before the one Adam update. Measured on 2 cores (packages/train/src/engine/README.md,
 * "One shard per core"): the AE, VAE and 48x48x3 spec steps 1.10-1.21x faster than 'per-op'.
 *
 * The layout is a property of the process: choose it before the engine loads.
 */
import { availableParallelism } from 'node:os';

/** TensorFlow's intra-op pool size, as it reads it (an integer > 0), or undefined when not set. */
function envThreads(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const n = Number(env[name]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Asks for one thread per op (TF_NUM_INTRAOP_THREADS=1) before tfjs-node loads; leaves a value the
 * user set alone. Takes effect only if TensorFlow has not created a device yet in this process.
 * Returns the intra-op thread count TensorFlow will use.
 */
export function requestOneThreadPerOp(env: NodeJS.ProcessEnv = process.env): number {
  env.TF_NUM_INTRAOP_THREADS ??= '1';
  return intraOpThreads(env);
}

/** Threads one TensorFlow op splits its work over in this process (TF_NUM_INTRAOP_THREADS or the core count). */
export function intraOpThreads(env: NodeJS.ProcessEnv = process.env): number {
  return envThreads(env, 'TF_NUM_INTRAOP_THREADS') ?? availableParallelism();
}

/** Ops TensorFlow runs side by side in this process (TF_NUM_INTEROP_THREADS or the core count). */
export function interOpThreads(env: NodeJS.ProcessEnv = process.env): number {
  return envThreads(env, 'TF_NUM_INTEROP_THREADS') ?? availableParallelism();
}

/**
 * Shards per batch for the compiled step: one per inter-op thread when each op runs on one thread
 * and the model has no BatchNormalization (whose batch statistics a shard cannot compute alone);
 * otherwise 1 (TensorFlow's own per-op split). Never more shards than images.
 */
export function compiledStepReplicas(model: { batchNorm: boolean; batchSize: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (model.batchNorm || intraOpThreads(env) !== 1) return 1;
  return Math.max(1, Math.min(interOpThreads(env), model.batchSize));
}
