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
  /** Largest k (standard deviations each side) of one traverse request (default 10). */
  maxTraverseK: number;
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

export const DEFAULT_LIMITS: Limits = { maxBatch: 256, maxSteps: 64, maxFactors: 32, maxTraverseK: 10, maxAbs: 1000, maxUploadPixels: 2 ** 25, maxJsonDepth: 16, maxJsonArrayLength: 4096 };

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

/**
 * `classes`: a conditional VAE's class names (undefined otherwise). `pcaComponents`: how many
 * principal components the model's latents.json stores (0 when none), the range of /v1/traverse's
 * `component`.
 */
export function makeSchemas(latentDim: number, limits: Limits, classes?: readonly string[], pcaComponents = 0) {
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
    interpolation: z.enum(['linear', 'slerp']).default('linear').describe("'linear' (the book's morph) or 'slerp' (White 2016: the great-circle path)"),
    encoding,
    class: cls,
  });
  const traverse = traverseSchema(latentDim, limits, pcaComponents, latent, seed, encoding, cls);
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
  return { sample, decode, morph, traverse, attribute, latent, latents };
}

export type Schemas = ReturnType<typeof makeSchemas>;

/**
 * POST /v1/traverse: a base (`z`, or a `seed` to sample one; neither: a random seed, reported back)
 * and one direction, `dimension` (0..latentDim-1) or `component` (0..pcaComponents-1); `k` > 0 and at
 * most limits.maxTraverseK standard deviations; `steps` 2..limits.maxSteps. A value out of range is
 * a 400 whose issue names the field. Also used for the query of a multipart (uploaded image) request.
 */
function traverseSchema(
  latentDim: number,
  limits: Limits,
  pcaComponents: number,
  latent: z.ZodType<number[]>,
  seed: typeof seedSchema,
  encoding: z.ZodType<'float' | 'uint8'>,
  cls: z.ZodType<string | number | undefined>,
) {
  const index = (what: string, count: number, none: string) =>
    z
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(0, 'must be >= 0')
      .refine((i) => i < count, count > 0 ? `must be at most ${count - 1} (${what})` : none);
  return z
    .strictObject({
      z: latent.optional().describe('the base latent; or give seed'),
      seed: seed.optional(),
      dimension: index(`the latent size is ${latentDim}`, latentDim, 'this model has no latent dimensions').optional(),
      component: index(`this bundle stores ${pcaComponents} principal components`, pcaComponents, 'this bundle has no principal components (latents.json `pca`, written by `pnpm export`); re-export the run, or traverse a dimension').optional(),
      k: z
        .number({ error: 'must be a finite number' })
        .gt(0, 'must be > 0')
        .max(limits.maxTraverseK, `must be at most ${limits.maxTraverseK} (standard deviations)`)
        .default(3),
      steps: z.number({ error: 'must be an integer' }).int('must be an integer').min(2, 'must be >= 2').max(limits.maxSteps, `at most ${limits.maxSteps} steps`).default(7),
      encoding,
      class: cls,
    })
    .refine((b) => !(b.z && b.seed !== undefined), { message: 'give either z or seed, not both', path: ['seed'] })
    .refine((b) => (b.dimension === undefined) !== (b.component === undefined), { message: 'give exactly one of dimension or component', path: ['dimension'] });
}
