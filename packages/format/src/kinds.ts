/** The closed vocabularies of the run and bundle files: format versions, model kinds, precisions, layouts. */

/**
 * The `format` field of every run manifest and of the bundle manifest built from it. A change that
 * old readers cannot read bumps the number; adding an optional field does not.
 */
export const RUN_FORMAT = 'latentkit-run/2';
/** Format 1: main before the model spec (no `spec`, `kind` required); read and upgraded (run-manifest.ts upgradeManifestJson). */
export const RUN_FORMAT_V1 = 'latentkit-run/1';

/** The book's three models (Generative Deep Learning, 2nd ed., ch. 3): autoencoder, Fashion VAE, faces VAE; presets of the model spec (model-spec.ts). */
export const MODEL_KINDS = ['ae', 'vae', 'faces-vae'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Weight precisions `pnpm export` writes; fp32 is the default and the `bundle/` folder. */
export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Image tensor layouts of the exported ONNX graphs: NHWC (Keras/tfjs order, the default) or NCHW. */
export const LAYOUTS = ['nhwc', 'nchw'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** The models of a bundle: encoder.onnx, decoder.onnx and vae.onnx (image -> reconstruction). */
export const BUNDLE_MODELS = ['encoder', 'decoder', 'vae'] as const;
export type BundleModel = (typeof BUNDLE_MODELS)[number];

export function isModelKind(value: unknown): value is ModelKind {
  return (MODEL_KINDS as readonly unknown[]).includes(value);
}

export function isPrecision(value: unknown): value is Precision {
  return (PRECISIONS as readonly unknown[]).includes(value);
}
