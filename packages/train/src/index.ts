/**
 * Public API of @latentkit/train. Internals import their siblings directly; subpaths such as
 * '@latentkit/train/models/vae.ts' work too (package.json exports `./*`).
 */
export type * from './types.ts';
export { RUN_FORMAT } from './types.ts';
export type { ModelPair } from './models/model-pair.ts';
export { buildModel, isVariational, MODEL_KINDS, type ModelArgs } from './models/build.ts';
export { buildAutoencoder, type AutoencoderArgs } from './models/autoencoder.ts';
export { buildVae, type VaeArgs } from './models/vae.ts';
export { buildFacesVae, type FacesVaeArgs, LEAKY_RELU_ALPHA } from './models/faces-vae.ts';
export { Sampling, type SamplingArgs } from './models/sampling.ts';
export { saveModel, loadModel, fileHandler, MODEL_JSON, WEIGHTS_BIN } from './models/io.ts';
