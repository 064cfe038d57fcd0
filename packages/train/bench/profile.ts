/**
 * A per-op profile of one training step (tf.profile's kernel timings): calls and time by kernel
 * name, the heaviest first, for the bench to print. Kernels that only call other kernels (names
 * ending in __op, customGrad's 'unnamed scope') are left out, so no time is counted twice.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '@latentkit/models';
import { Adam } from '@latentkit/models';
import { DEFAULT_LEARNING_RATE } from '@latentkit/models/book-defaults';
import { trainStep } from '../src/training/step.ts';
import type { ModelKind } from '../src/types.ts';

export interface OpProfile {
  /** Wall time of the profiled step, ms (tf.profile adds its own overhead). */
  wallMs: number;
  /** Kernel calls in the step. */
  calls: number;
  /** Sum of kernel times, ms. */
  kernelMs: number;
  /** name -> total ms and calls, heaviest first. */
  byKernel: Array<{ name: string; ms: number; calls: number }>;
}

/**
 * Profiles the second of two training steps of `kind` at `batch` on the running engine.
 * `fusedAdam: false` makes Adam use tfjs's elementwise ops even where the backend has a fused kernel.
 */
export async function profileStep(kind: ModelKind, batch: number, fusedAdam = true): Promise<OpProfile> {
  const pair = buildModel(kind, { seed: 1 });
  const optimizer = new Adam({ learningRate: DEFAULT_LEARNING_RATE[kind] });
  optimizer.useFusedKernel = fusedAdam;
  const x = tf.randomUniform([batch, ...pair.imageShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  const eps = kind === 'ae' ? undefined : (tf.tidy(() => tf.randomNormal([batch, pair.latentDim], 0, 1, 'float32', 4).dataSync()) as Float32Array);
  try {
    trainStep(pair, optimizer, x, { eps });
    const start = performance.now();
    const info = await tf.profile(() => {
      trainStep(pair, optimizer, x, { eps });
    });
    const wallMs = performance.now() - start;
    const by = new Map<string, { ms: number; calls: number }>();
    let calls = 0;
    for (const k of info.kernels) {
      // Wrappers of other kernels (ops named *__op; customGrad's 'unnamed scope') would count twice.
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
      calls += 1;
      const e = by.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += k.kernelTimeMs as number;
      e.calls += 1;
      by.set(k.name, e);
    }
    const byKernel = [...by].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
    return { wallMs, calls, kernelMs: byKernel.reduce((a, b) => a + b.ms, 0), byKernel };
  } finally {
    x.dispose();
    optimizer.dispose();
  }
}

/** The profile as lines of a table: kernel, ms, share, calls; `top` heaviest kernels. */
export function profileTable(title: string, p: OpProfile, top = 14): string[] {
  const lines = [`${title}: ${p.calls} kernel calls, ${p.kernelMs.toFixed(0)} ms in kernels, ${p.wallMs.toFixed(0)} ms wall (profiled)`];
  lines.push(`  ${'kernel'.padEnd(22)} ${'ms'.padStart(7)} ${'share'.padStart(6)} ${'calls'.padStart(6)}`);
  for (const e of p.byKernel.slice(0, top)) {
    lines.push(`  ${e.name.padEnd(22)} ${e.ms.toFixed(1).padStart(7)} ${((100 * e.ms) / p.kernelMs).toFixed(1).padStart(5)}% ${String(e.calls).padStart(6)}`);
  }
  const rest = p.byKernel.slice(top);
  if (rest.length) {
    const ms = rest.reduce((a, b) => a + b.ms, 0);
    const calls = rest.reduce((a, b) => a + b.calls, 0);
    lines.push(`  ${`(${rest.length} others)`.padEnd(22)} ${ms.toFixed(1).padStart(7)} ${((100 * ms) / p.kernelMs).toFixed(1).padStart(5)}% ${String(calls).padStart(6)}`);
  }
  return lines;
}
