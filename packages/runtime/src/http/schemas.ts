/**
 * Request bodies, built per model (latent size) and limits. Strict objects: a misspelt field is an
 * error that names it, not a silently ignored option.
 */
import { z } from 'zod';
import { seedSchema } from '../common/seed.ts';
import { classProblem } from '../common/classes.ts';

export interface Limits {
  /** Most images one request may produce or send (default 256). */
  maxBatch: number;
  /** Most morph steps (default 64). */
  maxSteps: number;
  /** Most factors in one attribute request (default 32). */
  maxFactors: number;
  /** Largest |value| accepted in a latent or factor (default 1000). */
  maxAbs: number;
  /**
   * Most pixels (width x height, summed over the images) one upload request may make the server decode,
   * read from the image headers before any decoding (default 2^25 = 33.5 M: two 12-megapixel photos;
   * decoding costs ~15 ns a pixel here, so ~0.5 s of CPU at most). More is a 413.
   */
  maxUploadPixels: number;
  /** Deepest nesting of a JSON body (default 16; the routes need 3). Checked before parsing: 400. */
  maxJsonDepth: number;
  /** Longest array in a JSON body (default 4096). Checked before parsing: 400. */
  maxJsonArrayLength: number;
}

export const DEFAULT_LIMITS: Limits = { maxBatch: 256, maxSteps: 64, maxFactors: 32, maxAbs: 1000, maxUploadPixels: 2 ** 25, maxJsonDepth: 16, maxJsonArrayLength: 4096 };

/**
 * The optional `class` field of a conditional VAE's requests: a class name or index (OpenAPI lists
 * them). An unconditional model refuses any class; a wrong one is refused naming the valid classes
 * (classes.ts classProblem). A conditional model given no class is refused by the model (ClassError).
 */
export function classSchema(classes: readonly string[] | undefined) {
  const problem = (iss: { input?: unknown }) => classProblem(classes, iss.input);
  if (!classes) return z.never({ error: problem }).describe('This model is not conditional: no class');
  return z
    .union(
      [
        z.enum(classes as [string, ...string[]], { error: problem }),
        z.number({ error: problem }).int({ error: problem }).min(0, { error: problem }).max(classes.length - 1, { error: problem }),
      ],
      { error: problem },
    )
    .describe('The class to generate, by name or index (a conditional VAE; required)');
}

export function makeSchemas(latentDim: number, limits: Limits, classes?: readonly string[]) {
  const value = z
    .number({ error: 'must be a finite number' })
    .min(-limits.maxAbs, `must be >= -${limits.maxAbs}`)
    .max(limits.maxAbs, `must be <= ${limits.maxAbs}`);
  const latent = z.array(value).length(latentDim, `must hold exactly ${latentDim} numbers (the latent size)`);
  const latents = z
    .array(latent)
    .min(1, 'needs at least one latent vector')
    .max(limits.maxBatch, `at most ${limits.maxBatch} latent vectors per request`);
  const seed = seedSchema;
  const encoding = z.enum(['float', 'uint8']).default('float').describe('JSON pixel encoding: rounded floats in [0, 1] or integers 0..255');
  const n = z.number().int('must be an integer').min(1).max(limits.maxBatch, `at most ${limits.maxBatch} images per request`);
  const cls = classSchema(classes).optional();

  const sample = z.strictObject({
    n: n.default(1),
    seed: seed.optional(),
    temperature: z.number().min(0).max(10).default(1),
    encoding,
    includeLatents: z.boolean().default(true),
    class: cls,
  });
  const decode = z.strictObject({ z: latents, encoding, class: cls });
  const morph = z.strictObject({
    a: latent,
    b: latent,
    steps: z.number().int('must be an integer').min(2).max(limits.maxSteps, `at most ${limits.maxSteps} steps`).default(10),
    endpoint: z.boolean().default(true),
    encoding,
    class: cls,
  });
  const attribute = z
    .strictObject({
      z: latents.optional(),
      n: n.optional(),
      seed: seed.optional(),
      factors: z
        .array(value)
        .min(1)
        .max(limits.maxFactors, `at most ${limits.maxFactors} factors`)
        .default([-4, -3, -2, -1, 0, 1, 2, 3, 4]),
      encoding,
    })
    .refine((b) => !(b.z && (b.n !== undefined || b.seed !== undefined)), { message: 'give either z, or n and seed to sample, not both' })
    .refine((b) => (b.z?.length ?? b.n ?? 1) * b.factors.length <= limits.maxBatch, {
      message: `rows x factors must be at most ${limits.maxBatch} images`,
    });
  return { sample, decode, morph, attribute, latent, latents };
}

export type Schemas = ReturnType<typeof makeSchemas>;
