/**
 * latents.json (run folder and bundle): what the explorer maps of a model's latent space.
 * - `points`: a 2-d model's test-set scatter (`pnpm train` writes it, `pnpm export` copies it).
 * - `pca`: the principal components of the encoded validation set (z_mean), which `pnpm export`
 *   computes for every model with a latent space of 2 or more dimensions (packages/export,
 *   bundle/latent-pca.ts); the explorer's principal-component plane and sliders and the runtime's
 *   `traverse({ component })` read it.
 * Files written before `pca` existed (points only) still load; a file may hold `pca` alone.
 */
import { z } from 'zod';
import { parseWith } from './parse.ts';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

/** One `[x, y, label]`: a 2-d z_mean (or its first two principal coordinates) and its class index (0 when unlabelled). */
const point = z.tuple([finite, finite, z.number().int().nonnegative()]);

/**
 * PCA of the encoded validation set, as sklearn's `PCA` reports it: z ~ mean + sum_i c_i * components[i].
 * Shapes: mean [d], components [k][d] (orthonormal rows, by decreasing variance), explainedVariance [k]
 * (variance of the data along each component, the covariance's eigenvalues, denominator count - 1),
 * explainedVarianceRatio [k] (each over the total variance, the trace; sums to <= 1).
 */
export const latentPcaSchema = z
  .object({
    /** How many encoded images the statistics come from. */
    count: z.number().int().min(2),
    /** Where the images came from (data set and split), for people. */
    source: z.string(),
    mean: z.array(finite).min(1),
    components: z.array(z.array(finite)).min(1),
    explainedVariance: z.array(finite.refine((v) => v >= 0, 'a variance is >= 0')),
    explainedVarianceRatio: z.array(finite.refine((v) => v >= 0 && v <= 1 + 1e-6, 'a ratio is in [0, 1]')),
    /** The encoded images' coordinates on the first two components (c_0, c_1) with their labels: the PC plane's scatter. */
    points: z.array(point).optional(),
  })
  .superRefine((p, ctx) => {
    const d = p.mean.length;
    const k = p.components.length;
    if (k > d) ctx.addIssue({ code: 'custom', path: ['components'], message: `at most ${d} components (the latent size), got ${k}` });
    p.components.forEach((row, i) => {
      if (row.length !== d) ctx.addIssue({ code: 'custom', path: ['components', i], message: `expected ${d} numbers (the length of mean), got ${row.length}` });
    });
    for (const key of ['explainedVariance', 'explainedVarianceRatio'] as const) {
      if (p[key].length !== k) ctx.addIssue({ code: 'custom', path: [key], message: `expected ${k} numbers (one per component), got ${p[key].length}` });
    }
  });
export type LatentPca = z.infer<typeof latentPcaSchema>;

export const latentsSchema = z.object({
  /** Class names, index = label (train writes them; a Keras user's file may leave them to the manifest). */
  labelNames: z.array(z.string()).optional(),
  /** One `[x, y, label]` per test image of a 2-d model: its z_mean and its class index. Empty for larger latents. */
  points: z.array(point).default([]),
  pca: latentPcaSchema.optional(),
});
export type Latents = z.infer<typeof latentsSchema>;

/**
 * A parsed latents.json value -> Latents.
 * @throws FormatError naming `file` and the wrong field (e.g. `points.12.0`, `pca.components.3`).
 */
export function parseLatents(json: unknown, file = 'latents.json'): Latents {
  return parseWith(latentsSchema, json, file);
}
