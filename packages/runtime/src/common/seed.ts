/**
 * The one seed range, shared by LatentModel.sampleLatents and the HTTP schemas: an unsigned 32-bit
 * integer, because mulberry32 (rng.ts) keeps 32 bits of state, so larger seeds would only alias
 * smaller ones. A seed gives the same latents in Node, browsers and workerd.
 */
import { z } from 'zod';

/** Largest seed: 2^32 - 1. */
export const SEED_MAX = 2 ** 32 - 1;

/** An integer in [0, SEED_MAX]. */
export const seedSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be >= 0')
  .max(SEED_MAX, `must be <= ${SEED_MAX} (2^32 - 1)`)
  .describe('RNG seed, an integer in [0, 2^32 - 1]; the same seed gives the same latents everywhere');

/** A random seed in [0, SEED_MAX], reported back so a result can be reproduced. */
export function randomSeed(): number {
  return Math.floor(Math.random() * (SEED_MAX + 1));
}
