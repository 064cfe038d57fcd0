/**
 * Whether a `pnpm train` run asks TensorFlow for one thread per op (engine/native/threads.ts), which
 * gives the compiled step one shard of each batch per core. Decided before the engine loads, since
 * TensorFlow sizes its threads then.
 */
import type { ModelSpec } from '@latentkit/format';
import { gpuBuildInstalled } from '../engine/native/paths.ts';
import type { CliOptions } from './options.ts';

/**
 * True for the compiled step (not `--no-compile`; not `--jit`, whose XLA kernels split over the
 * intra-op pool; not `--micro-batch` or `--workers` > 1, which turn it off) on TensorFlow's CPU
 * build (`--engine tfjs-node`, or 'auto' where the GPU build, which 'auto' tries first, is not
 * installed), for a model without BatchNormalization (a shard cannot compute the batch's statistics).
 */
export function wantsOneThreadPerOp(
  options: Pick<CliOptions, 'engine' | 'compile' | 'jit' | 'microBatch' | 'workers'>,
  spec: Pick<ModelSpec, 'norm'>,
  gpuInstalled: () => boolean = gpuBuildInstalled,
): boolean {
  const cpuBuild = options.engine === 'tfjs-node' || (options.engine === 'auto' && !gpuInstalled());
  const compiled = options.compile !== false && !options.jit && options.microBatch === undefined && (options.workers === 'auto' || options.workers === 1);
  return cpuBuild && compiled && spec.norm !== 'batch';
}
