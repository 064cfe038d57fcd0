/**
 * Seeded VAE noise: the eps of training step `step` of epoch `epoch` depends only on (seed, epoch,
 * stream, step), so a resumed run draws exactly what an uninterrupted one would.
 */
import { createRng, randomNormal } from '@latentkit/format';

export type NoiseStream = 'train' | 'val' | 'samples' | 'artifacts' | 'report';
const STREAM_ID: Record<NoiseStream, number> = { train: 1, val: 2, samples: 3, artifacts: 4, report: 5 };

/** murmur3's 32-bit finaliser: spreads nearby inputs over the whole 32-bit range. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 32-bit seed of one batch's noise, a hash of (run seed, 0-based epoch, stream, 0-based step):
 * nearby inputs give unrelated seeds, and the same inputs the same seed in every process.
 */
export function noiseSeed(seed: number, epoch: number, stream: NoiseStream, step: number): number {
  let h = mix(seed >>> 0);
  h = mix(h ^ Math.imul(epoch + 1, 0x9e3779b1));
  h = mix(h ^ STREAM_ID[stream]);
  return mix(h ^ Math.imul(step + 1, 0x27d4eb2f));
}

/**
 * The eps of one batch: n x dim standard normal values, row-major ([n, dim], e.g. [images,
 * latentDim]), seeded by noiseSeed(seed, epoch, stream, step).
 */
export function batchNoise(seed: number, epoch: number, stream: NoiseStream, step: number, n: number, dim: number): Float32Array {
  return randomNormal(createRng(noiseSeed(seed, epoch, stream, step)), new Float32Array(n * dim));
}
