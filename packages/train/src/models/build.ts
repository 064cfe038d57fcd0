/** One entry point for the three models of the book's chapter 3. */
import { MODEL_KINDS } from '@latentkit/format';
import type { ModelKind } from '../types.ts';
import { ValueError } from '../errors.ts';
import { buildAutoencoder, type AutoencoderArgs } from './autoencoder.ts';
import { buildFacesVae, type FacesVaeArgs } from './faces-vae.ts';
import type { ModelPair } from './model-pair.ts';
import { buildVae, type VaeArgs } from './vae.ts';

/** The three models of chapter 3: Fashion-MNIST autoencoder, Fashion-MNIST VAE, CelebA faces VAE. */
export { MODEL_KINDS };

export type ModelArgs = AutoencoderArgs | VaeArgs | FacesVaeArgs;

/**
 * Builds a fresh (untrained) encoder/decoder pair of `kind`: buildAutoencoder, buildVae or
 * buildFacesVae. Images are NHWC float32 in [0, 1]: [n, 32, 32, 1] for 'ae' and 'vae' (Fashion-MNIST
 * padded to 32x32), [n, 64, 64, 3] for 'faces-vae'; latents are [n, latentDim] (default 2, faces 200).
 * @throws ValueError for an unknown kind or a latentDim that is not a positive integer.
 */
export function buildModel(kind: ModelKind, args: ModelArgs = {}): ModelPair {
  switch (kind) {
    case 'ae':
      return buildAutoencoder(args);
    case 'vae':
      return buildVae(args);
    case 'faces-vae':
      return buildFacesVae(args);
    default:
      throw new ValueError(`Unknown model kind "${String(kind)}". Should be one of: ${MODEL_KINDS.join(', ')}`);
  }
}

/** True for the models whose encoder outputs [z_mean, z_log_var, z]. */
export function isVariational(kind: ModelKind): boolean {
  return kind !== 'ae';
}
