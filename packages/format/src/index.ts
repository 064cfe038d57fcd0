/**
 * @latentkit/format: the run and bundle contract every latentkit package shares. This entry is
 * browser-safe (no node: imports): schemas and their types, the folder layout, the seeded RNG.
 * Atomic writes and the run/bundle finder live in '@latentkit/format/node'.
 */
export { FormatError } from './errors.ts';
export {
  RUN_FORMAT, RUN_FORMAT_V1, MODEL_KINDS, PRECISIONS, LAYOUTS, BUNDLE_MODELS, isModelKind, isPrecision,
  type ModelKind, type Precision, type Layout, type BundleModel,
} from './kinds.ts';
export {
  runManifestSchema, runManifestV1Schema, imageShapeSchema, lossesSchema, epochMetricsSchema, parseRunManifest,
  upgradeManifestJson, type RunManifest, type RunManifestV1, type ImageShape, type Losses, type EpochMetrics,
} from './run-manifest.ts';
export {
  modelSpecSchema, activationSpecSchema, klWarmupSchema, PRESET_SPECS, KERAS_LEAKY_RELU_ALPHA, presetSpec, presetOf,
  isVariationalSpec, klWarmupWeight, unconditional, classesOf, describeSpec, sizeProblem, parseModelSpec, modelLabel,
  type ModelSpec, type ModelSpecInput, type ActivationSpec, type KlWarmup,
} from './model-spec.ts';
export {
  bundleManifestSchema, onnxSectionSchema, onnxFileInfoSchema, tensorInfoSchema, parseBundleManifest,
  type BundleManifest, type OnnxSection, type OnnxFileInfo, type TensorInfo,
} from './bundle-manifest.ts';
export {
  qualityReportSchema, classQualitySchema, parseQualityReport, describeQualityReport, REPORT_FORMAT, MAX_PSNR_DB,
  type QualityReport, type ClassQuality,
} from './report.ts';
export { latentPcaSchema, latentsSchema, parseLatents, type LatentPca, type Latents } from './latents.ts';
export { attributesSchema, parseAttributes, type Attributes } from './attributes.ts';
export { parseJsonText } from './parse.ts';
export {
  RUN_FILES, BUNDLE_FILES, DEFAULT_BUNDLE_FOLDER, BUNDLE_FOLDER_PATTERN, sampleFile, bundleFolderName,
  bundleFolderPrecision, isPrecisionName,
} from './layout.ts';
export { createRng, randomNormal, normals, permutation, shuffledIndices, type Rng } from './rng.ts';
