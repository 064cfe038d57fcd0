/**
 * report.json of a run folder: the quality report `pnpm train` writes after training (train's
 * training/quality-report.ts computes it) and prints in one paragraph.
 *
 * - reconstruction: PSNR of the validation set, each image encoded to z_mean (no sampling noise)
 *   and decoded: PSNR = 10 log10(MAX^2 / MSE) with MAX = 1 (pixels in [0, 1]), MSE the mean over the
 *   image's pixels (the standard definition, e.g. Gonzalez & Woods, "Digital Image Processing",
 *   and scikit-image's `peak_signal_noise_ratio` with data_range=1). `meanDb` averages the
 *   per-image PSNRs; `pooledDb` is the PSNR of the MSE pooled over every image (never higher, by Jensen). A
 *   perfect reconstruction (MSE 0) counts as MAX_PSNR_DB.
 * - conditional (conditional VAEs on labelled data): the "GAN-test" of Shmelkov, Schmid & Alahari
 *   2018 ("How good is my GAN?", ECCV): a classifier trained on real images scores generated ones.
 *   The classifier is a k-NN (Cover & Hart 1967; k = 5, Euclidean distance in pixel space, ties in
 *   the vote broken by the smaller summed distance) over `referenceImages` training images. Its
 *   accuracy on real validation images is the ceiling (`knnAccuracy`); `fidelity` is the share of
 *   the images generated for class c (z ~ N(0, I), decoded with label c, `samplesPerClass` per class)
 *   that it assigns to c, averaged over classes; `ratio` = fidelity / knnAccuracy.
 */
import { z } from 'zod';
import { parseWith } from './parse.ts';

/** The `format` field of report.json. */
export const REPORT_FORMAT = 'latentkit-report/1';

/** The PSNR counted for a perfect reconstruction (MSE 0), in dB. */
export const MAX_PSNR_DB = 100;

const unit = z.number().min(0).max(1);
const count = z.number().int().nonnegative();

export const classQualitySchema = z.object({
  class: z.string(),
  /** Share of this class's generated images the k-NN assigns to it. */
  fidelity: unit,
  /** The k-NN's accuracy on this class's real validation images (recall). */
  knnAccuracy: unit,
});
export type ClassQuality = z.infer<typeof classQualitySchema>;

export const qualityReportSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  /** Validation images measured, and their PSNRs in dB (module comment). */
  reconstruction: z.object({
    images: count,
    meanDb: z.number().min(0).max(MAX_PSNR_DB),
    pooledDb: z.number().min(0).max(MAX_PSNR_DB),
  }),
  conditional: z.object({
    k: z.number().int().positive(),
    /** Training images the k-NN searches (a class-balanced, seeded subsample when fewer than the split). */
    referenceImages: count,
    /** Real validation images the ceiling is measured on. */
    validationImages: count,
    samplesPerClass: count,
    knnAccuracy: unit,
    fidelity: unit,
    /** fidelity / knnAccuracy (0 when the ceiling is 0). */
    ratio: z.number().nonnegative(),
    perClass: z.array(classQualitySchema),
  }).optional(),
  /** Wall-clock seconds the report took. */
  seconds: z.number().nonnegative(),
});
export type QualityReport = z.infer<typeof qualityReportSchema>;

/**
 * A parsed report.json value -> QualityReport.
 * @throws FormatError naming `file` and the wrong field.
 */
export function parseQualityReport(json: unknown, file = 'report.json'): QualityReport {
  return parseWith(qualityReportSchema, json, file, 'report.json is written by `pnpm train`');
}

/** The report in one paragraph, as `pnpm train` prints it. */
export function describeQualityReport(r: QualityReport): string {
  const lines = [`reconstruction PSNR on ${r.reconstruction.images} validation images: ${r.reconstruction.meanDb.toFixed(2)} dB (mean of images; pooled MSE ${r.reconstruction.pooledDb.toFixed(2)} dB)`];
  const c = r.conditional;
  if (c) {
    lines.push(
      `conditional fidelity ${c.fidelity.toFixed(3)} vs k-NN ceiling ${c.knnAccuracy.toFixed(3)} (ratio ${c.ratio.toFixed(3)}; ` +
        `${c.k}-NN on ${c.referenceImages} training images, ${c.samplesPerClass} samples a class, ${c.validationImages} validation images)`,
      `  per class (fidelity / ceiling): ${c.perClass.map((p) => `${p.class} ${p.fidelity.toFixed(2)}/${p.knnAccuracy.toFixed(2)}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
