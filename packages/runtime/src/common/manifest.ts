/**
 * manifest.json of an exported bundle: the run's RunManifest plus what the exporter adds under `onnx`.
 * Validated with zod at load time so a wrong bundle fails with the field that was wrong.
 */
import { z } from 'zod';
import type { RunManifest } from '@latentkit/train/types.ts';
import { BundleError } from './errors.ts';

const positiveInt = z.number().int().positive();

export const bundleManifestSchema = z.looseObject({
  format: z.literal('latentkit-run/1'),
  kind: z.enum(['ae', 'vae', 'faces-vae']),
  latentDim: positiveInt.max(65536),
  imageShape: z.tuple([positiveInt.max(4096), positiveInt.max(4096), z.union([z.literal(1), z.literal(3), z.literal(4)])]),
  labelNames: z.array(z.string()).optional(),
  attributeNames: z.array(z.string()).optional(),
  data: z.looseObject({ name: z.string(), source: z.string(), train: z.number(), validation: z.number() }),
  epochs: z.number(),
  batchSize: z.number(),
  beta: z.number().optional(),
  finalLosses: z.unknown().optional(),
  engine: z.string(),
  createdAt: z.string(),
  onnx: z
    .looseObject({
      opset: z.number().int().optional(),
      precision: z.string().optional(),
      layout: z.string().optional(),
      files: z.unknown().optional(),
    })
    .optional(),
});

export type BundleManifest = RunManifest & {
  onnx?: { opset?: number; precision?: string; layout?: string; files?: unknown; [k: string]: unknown };
  [k: string]: unknown;
};

export function parseManifest(json: unknown, where = 'manifest.json'): BundleManifest {
  const r = bundleManifestSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new BundleError(`${where} is not a latentkit bundle manifest: ${issues}. Re-export the run with \`pnpm export\`.`);
  }
  return r.data as unknown as BundleManifest;
}

/** attributes.json: { name: number[latentDim] }. */
export function parseAttributes(json: unknown, latentDim: number, where = 'attributes.json'): Record<string, Float32Array> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BundleError(`${where} must be an object { name: number[${latentDim}] }, got ${Array.isArray(json) ? 'an array' : typeof json}.`);
  }
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(json)) {
    if (!Array.isArray(v) || v.length !== latentDim || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new BundleError(`${where}: attribute "${name}" must be ${latentDim} finite numbers (the latent size), got ${Array.isArray(v) ? `${v.length} values` : typeof v}.`);
    }
    out[name] = Float32Array.from(v);
  }
  return out;
}
