/**
 * The folder layout: file names inside a run folder and a bundle folder, and the bundle folder's
 * name per precision. Paths use `/`; Node's `path.join` accepts them on every platform.
 *
 * Run folder (written by `pnpm train`, or by the Keras importer):
 *   manifest.json            RunManifest (run-manifest.ts); written last, so its presence means complete
 *   encoder/model.json       tfjs layers model (+ weights.bin); VAE outputs [z_mean, z_log_var, z]
 *   decoder/model.json       tfjs layers model (+ weights.bin)
 *   metrics.jsonl            one EpochMetrics per line
 *   checkpoints/last/        resume point (models, optimizer state, state.json)
 *   checkpoints/best/        best validation loss so far
 *   samples/epoch-NNNN.png   decoded random latents after each epoch
 *   reconstructions.png      originals (top) against reconstructions (bottom)
 *   latent-scatter.png       2-d models: test latents coloured by label
 *   latents.json             2-d models: Latents (latents.ts)
 *   latent-histograms.png    faces VAE: per-dimension histograms against N(0, 1)
 *   report.json              QualityReport (report.ts): validation PSNR; conditional fidelity vs the k-NN ceiling
 *   logs/                    TensorBoard events files (events.out.tfevents.*), one per training process;
 *                            elsewhere when `pnpm train --logdir DIR` is given (DIR/<run folder name>)
 *   bundle/                  fp32 bundle written by `pnpm export`; bundle-fp16/, bundle-int8/ beside it
 *
 * Bundle folder (written by `pnpm export`):
 *   manifest.json            BundleManifest (bundle-manifest.ts); written last
 *   decoder.onnx             required
 *   encoder.onnx, vae.onnx   optional (a partial export writes fewer)
 *   latents.json             2-d models, copied from the run
 *   attributes.json          faces VAE, written by the runtime's attributes CLI (attributes.ts)
 */
import { PRECISIONS } from './kinds.ts';

export const RUN_FILES = {
  manifest: 'manifest.json',
  encoder: 'encoder',
  decoder: 'decoder',
  metrics: 'metrics.jsonl',
  lastCheckpoint: 'checkpoints/last',
  bestCheckpoint: 'checkpoints/best',
  samples: 'samples',
  reconstructions: 'reconstructions.png',
  latentScatter: 'latent-scatter.png',
  latents: 'latents.json',
  latentHistograms: 'latent-histograms.png',
  report: 'report.json',
  logs: 'logs',
} as const;

/** `samples/epoch-0003.png` for epoch 3 (1-based, four digits). */
export function sampleFile(epoch: number): string {
  return `${RUN_FILES.samples}/epoch-${String(epoch).padStart(4, '0')}.png`;
}

export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  encoder: 'encoder.onnx',
  decoder: 'decoder.onnx',
  vae: 'vae.onnx',
  latents: 'latents.json',
  attributes: 'attributes.json',
} as const;

/** The fp32 bundle's folder name inside a run folder. */
export const DEFAULT_BUNDLE_FOLDER = 'bundle';

/** Precision names in folder names: a lower-case letter, then letters or digits (fp32, fp16, int8, ...). */
const NAME = '[a-z][a-z0-9]*';
const PRECISION_NAME = new RegExp(`^${NAME}$`);
/** `bundle` or `bundle-<precision name>`. */
export const BUNDLE_FOLDER_PATTERN = new RegExp(`^${DEFAULT_BUNDLE_FOLDER}(?:-(${NAME}))?$`);

export function isPrecisionName(name: string): boolean {
  return PRECISION_NAME.test(name);
}

/**
 * The bundle folder of a precision inside a run folder: `bundle` for fp32, else `bundle-<precision>`
 * (`bundle-fp16`, `bundle-int8`), so no export overwrites another precision's bundle.
 * @throws RangeError when `precision` is not a precision name (lower case letters and digits).
 */
export function bundleFolderName(precision: string): string {
  if (!isPrecisionName(precision)) {
    throw new RangeError(`precision "${precision}" is not a precision name; use ${PRECISIONS.join(', ')}, ... (lower case).`);
  }
  return precision === 'fp32' ? DEFAULT_BUNDLE_FOLDER : `${DEFAULT_BUNDLE_FOLDER}-${precision}`;
}

/** The precision a bundle folder's name stands for (`bundle` -> fp32, `bundle-int8` -> int8), or undefined. */
export function bundleFolderPrecision(folderName: string): string | undefined {
  const m = BUNDLE_FOLDER_PATTERN.exec(folderName);
  if (!m) return undefined;
  return m[1] ?? 'fp32';
}
