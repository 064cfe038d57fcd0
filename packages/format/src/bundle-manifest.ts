/**
 * manifest.json of a bundle (bundle/, bundle-fp16/, bundle-int8/): the run's manifest plus an `onnx`
 * section saying how the models were exported. `pnpm export` writes it (last, after the .onnx
 * files); the runtime and the demo read it.
 */
import { z } from 'zod';
import { BUNDLE_MODELS, LAYOUTS, PRECISIONS } from './kinds.ts';
import { parseWith } from './parse.ts';
import { checkSpecFields, runManifestObject, upgradeManifestJson } from './run-manifest.ts';

/** One graph input or output: its name and shape, `'batch'` (or another name) for a dynamic dimension. */
export const tensorInfoSchema = z.object({
  name: z.string(),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string()])),
  type: z.literal('float32'),
});
export type TensorInfo = z.infer<typeof tensorInfoSchema>;

export const onnxFileInfoSchema = z.object({
  /** File name inside the bundle folder, e.g. `decoder.onnx`. */
  file: z.string(),
  inputs: z.array(tensorInfoSchema),
  outputs: z.array(tensorInfoSchema),
});
export type OnnxFileInfo = z.infer<typeof onnxFileInfoSchema>;

export const onnxSectionSchema = z.object({
  opset: z.number().int().positive(),
  precision: z.enum(PRECISIONS),
  layout: z.enum(LAYOUTS),
  /** Who wrote the ONNX files (`latentkit`). */
  producer: z.string(),
  /** The models this bundle holds, by role; a partial export lists only those it wrote. */
  files: z.partialRecord(z.enum(BUNDLE_MODELS), onnxFileInfoSchema),
});
export type OnnxSection = z.infer<typeof onnxSectionSchema>;

export const bundleManifestSchema = runManifestObject.extend({ onnx: onnxSectionSchema }).superRefine(checkSpecFields);
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

/**
 * A parsed manifest.json value -> BundleManifest; a format-1 bundle (before the model spec) is
 * upgraded on read (run-manifest.ts upgradeManifestJson).
 * @throws FormatError naming `file` and the wrong field.
 */
export function parseBundleManifest(json: unknown, file = 'manifest.json'): BundleManifest {
  return parseWith(bundleManifestSchema, upgradeManifestJson(json, file), file, 'A bundle is the folder `pnpm export` writes; re-export the run');
}
