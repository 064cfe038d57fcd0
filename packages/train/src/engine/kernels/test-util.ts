/**
 * Helpers for kernel tests: deterministic data and a comparison of one computation on the wasm
 * backend (with our kernels) against the pure-JS cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initEngine } from '../select.ts';

/** Deterministic values in [-1, 1) (mulberry32), so failures reproduce. */
export function randomValues(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export async function useWasm(): Promise<void> {
  await initEngine('wasm', { log: () => {} });
  await tf.setBackend('wasm');
}

/** Runs `fn` on the given backend and returns its result's values and shape. */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const t = tf.tidy(fn);
  const values = (await t.data()) as Float32Array;
  const shape = t.shape.slice();
  t.dispose();
  return { values, shape };
}

/**
 * Largest |a - b| relative to the largest |b| (the reference magnitude): float32 sums of different
 * order differ by a few ulps of the magnitudes involved, not of each small element.
 */
export function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < actual.length; i++) err = Math.max(err, Math.abs(actual[i]! - expected[i]!));
  return scale === 0 ? err : err / scale;
}
