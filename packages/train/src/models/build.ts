/** One entry point for the three models of the book's chapter 3. */
import { MODEL_KINDS } from '@latentkit/format';
import type { ModelKind } from '../types.ts';
import { buildAutoencoder, type AutoencoderArgs } from './autoencoder.ts';
import { buildFacesVae, type FacesVaeArgs } from './faces-vae.ts';
import type { ModelPair } from './model-pair.ts';
import { buildVae, type VaeArgs } from './vae.ts';

export { MODEL_KINDS };

export type ModelArgs = AutoencoderArgs | VaeArgs | FacesVaeArgs;

export function buildModel(kind: ModelKind, args: ModelArgs = {}): ModelPair {
  switch (kind) {
    case 'ae':
      return buildAutoencoder(args);
    case 'vae':
      return buildVae(args);
    case 'faces-vae':
      return buildFacesVae(args);
    default:
      throw new RangeError(`Unknown model kind "${String(kind)}". Should be one of: ${MODEL_KINDS.join(', ')}`);
  }
}

/** True for the models whose encoder outputs [z_mean, z_log_var, z]. */
export function isVariational(kind: ModelKind): boolean {
  return kind !== 'ae';
}
