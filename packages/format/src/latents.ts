/**
 * latents.json of a 2-d model (run folder and bundle): the test-set scatter the explorer draws.
 * `pnpm train` writes it, `pnpm export` copies it into the bundle, the demo reads it.
 */
import { z } from 'zod';
import { parseWith } from './parse.ts';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

export const latentsSchema = z.object({
  /** Class names, index = label (train writes them; a Keras user's file may leave them to the manifest). */
  labelNames: z.array(z.string()).optional(),
  /** One `[x, y, label]` per test image: its z_mean and its class index. */
  points: z.array(z.tuple([finite, finite, z.number().int().nonnegative()])),
});
export type Latents = z.infer<typeof latentsSchema>;

/**
 * A parsed latents.json value -> Latents.
 * @throws FormatError naming `file` and the wrong field (e.g. `points.12.0`).
 */
export function parseLatents(json: unknown, file = 'latents.json'): Latents {
  return parseWith(latentsSchema, json, file);
}
