/**
 * The book's three chapter-3 models (Generative Deep Learning, 2nd ed.) as presets of the model spec
 * (@latentkit/format PRESET_SPECS), built by spec-model.ts:
 * - buildAutoencoder: Fashion-MNIST AE (3.1), [32, 32, 1] -> z 2; 343,043 parameters (96,770 + 246,273).
 * - buildVae: Fashion-MNIST VAE (3.2), [32, 32, 1] -> [z_mean, z_log_var, z]; 100,868 + 246,273.
 * - buildFacesVae: CelebA faces VAE (3.3), [64, 64, 3] -> 200-d; 253,584 + 240,131. Its convolutions
 *   carry no activation; each is followed by BatchNormalization() (Keras defaults) and LeakyReLU() with
 *   Keras's default alpha 0.3; its last decoder layer is a Conv2DTranspose (stride 1, sigmoid).
 */
import { KERAS_LEAKY_RELU_ALPHA, presetSpec, type ModelKind } from '@latentkit/format';
import { ValueError } from './errors.ts';
import type { ModelPair } from './model-pair.ts';
import { buildFromSpec } from './spec-model.ts';

/** Keras's LeakyReLU() default, which the book's faces VAE uses. */
export const LEAKY_RELU_ALPHA = KERAS_LEAKY_RELU_ALPHA;

export interface PresetArgs {
  /** Size of the latent space (book: 2 for the Fashion models, 200 for the faces VAE). */
  latentDim?: number;
  /** Seeds the kernel initialisers (and a VAE's Sampling noise); omit for unseeded (Keras-like) initialisation. */
  seed?: number;
}
export type AutoencoderArgs = PresetArgs;
export type VaeArgs = PresetArgs;
export type FacesVaeArgs = PresetArgs;

/**
 * The preset `kind` at `args.latentDim`, built from its spec. Untrained; `seed` makes weights (and
 * VAE noise) repeatable.
 * @throws ValueError when latentDim is not a positive integer.
 */
export function buildPreset(kind: ModelKind, args: PresetArgs = {}): ModelPair {
  if (args.latentDim !== undefined && (!Number.isInteger(args.latentDim) || args.latentDim < 1)) {
    throw new ValueError(`${kind}: latentDim must be a positive integer, received ${String(args.latentDim)}`);
  }
  return buildFromSpec(presetSpec(kind, { latentDim: args.latentDim }), { seed: args.seed });
}

/** The book's Fashion-MNIST autoencoder: encoder [n, 32, 32, 1] -> z [n, latentDim]; decoder back, sigmoid. */
export function buildAutoencoder(args: AutoencoderArgs = {}): ModelPair {
  return buildPreset('ae', args);
}

/** The book's Fashion-MNIST VAE: encoder [n, 32, 32, 1] -> [z_mean, z_log_var, z], each [n, latentDim]. */
export function buildVae(args: VaeArgs = {}): ModelPair {
  return buildPreset('vae', args);
}

/** The book's CelebA faces VAE: encoder [n, 64, 64, 3] -> [z_mean, z_log_var, z], each [n, latentDim] (default 200). */
export function buildFacesVae(args: FacesVaeArgs = {}): ModelPair {
  return buildPreset('faces-vae', args);
}
