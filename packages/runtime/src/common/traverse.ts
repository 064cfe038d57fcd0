/**
 * Latent traversal: one direction at a time, from -k to +k standard deviations around a base z
 * (NVAE issues #14/#45; the beta-VAE papers' "latent traversals"). The direction is either
 *   - a latent dimension j: the unit vector e_j, one standard deviation = 1 (the N(0, I) prior's), or
 *   - a principal component i of the encoded validation set (latents.json `pca`, written at export):
 *     the unit vector components[i], one standard deviation = sqrt(explainedVariance[i]), the spread
 *     of the data along it,
 * so z(s) = base + s · sd · u for s in linspace(-k, k, steps).
 */
import type { LatentPca } from '@latentkit/format';
import { InputError } from './errors.ts';

/** Which direction to walk: a latent dimension, or a principal component (0-based indices). */
export type TraverseDirection = { dimension: number } | { component: number };

export interface ResolvedDirection {
  /** The unit vector u, latentDim values. */
  vector: Float32Array;
  /** One standard deviation along u (1 for a dimension; sqrt of the component's explained variance). */
  sd: number;
  /** For messages and answers: "dimension 3" or "component 0". */
  label: string;
}

/**
 * The unit vector and scale of `direction`.
 * @throws InputError naming the field: `dimension` outside [0, latentDim), `component` outside
 *   [0, number of stored components), a bundle without PCA, or neither/both given.
 */
export function resolveDirection(direction: TraverseDirection, latentDim: number, pca: LatentPca | null): ResolvedDirection {
  const d = direction as { dimension?: unknown; component?: unknown };
  const hasDim = d.dimension !== undefined;
  const hasComp = d.component !== undefined;
  if (hasDim === hasComp) throw new InputError('direction must give exactly one of dimension (a latent index) or component (a principal component index).');
  if (hasDim) {
    const j = d.dimension as number;
    if (!Number.isInteger(j) || j < 0 || j >= latentDim) throw new InputError(`dimension must be an integer from 0 to ${latentDim - 1} (the latent size is ${latentDim}), got ${String(j)}.`);
    const vector = new Float32Array(latentDim);
    vector[j] = 1;
    return { vector, sd: 1, label: `dimension ${j}` };
  }
  const i = d.component as number;
  if (!pca) throw new InputError('component needs the principal components of the latent space (latents.json `pca`, written by `pnpm export`); this bundle has none. Re-export the run, or traverse a dimension.');
  const count = pca.components.length;
  if (!Number.isInteger(i) || i < 0 || i >= count) throw new InputError(`component must be an integer from 0 to ${count - 1} (this bundle stores ${count} principal components), got ${String(i)}.`);
  return { vector: Float32Array.from(pca.components[i]), sd: Math.sqrt(pca.explainedVariance[i]), label: `component ${i}` };
}

/** linspace(-k, k, steps) in double precision; steps >= 2, so the ends are exactly -k and +k. */
export function traverseOffsets(k: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  for (let i = 0; i < steps; i++) out[i] = -k + (2 * k * i) / (steps - 1);
  return out;
}

/** Rows base + s · sd · u for every offset s: a flat Float32Array of offsets.length x base.length. */
export function traverseLatents(base: Float32Array, dir: ResolvedDirection, offsets: Float64Array): Float32Array {
  const d = base.length;
  const out = new Float32Array(offsets.length * d);
  for (let i = 0; i < offsets.length; i++) {
    const s = offsets[i] * dir.sd;
    for (let j = 0; j < d; j++) out[i * d + j] = base[j] + s * dir.vector[j];
  }
  return out;
}
