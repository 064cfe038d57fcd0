/** One entry point for every model: the book's three presets by kind, or any model spec. */
import { MODEL_KINDS, isModelKind, type ModelSpec } from '@latentkit/format';
import type { ModelKind } from '@latentkit/format';
import { ValueError } from './errors.ts';
import type { ModelPair } from './model-pair.ts';
import { buildPreset, type PresetArgs } from './presets.ts';
import { buildFromSpec } from './spec-model.ts';

/** The three models of chapter 3: Fashion-MNIST autoencoder, Fashion-MNIST VAE, CelebA faces VAE. */
export { MODEL_KINDS };

export type ModelArgs = PresetArgs;

/**
 * Builds a fresh (untrained) encoder/decoder pair: of preset `kind` (images [n, 32, 32, 1] for 'ae'
 * and 'vae', [n, 64, 64, 3] for 'faces-vae'; latents [n, latentDim], default 2, faces 200), or of a
 * model spec (its inputShape and latentDim; `args.latentDim` must then be absent or equal). Images
 * are NHWC float32 in [0, 1].
 * @throws ValueError for an unknown kind, a latentDim that is not a positive integer, or a spec the
 *   schema refuses.
 */
export function buildModel(model: ModelKind | ModelSpec, args: ModelArgs = {}): ModelPair {
  if (typeof model === 'object') {
    if (args.latentDim !== undefined && args.latentDim !== model.latentDim) {
      throw new ValueError(`buildModel: latentDim ${args.latentDim} differs from the spec's ${model.latentDim}; set it in the spec`);
    }
    return buildFromSpec(model, { seed: args.seed });
  }
  if (!isModelKind(model)) throw new ValueError(`Unknown model kind "${String(model)}". Should be one of: ${MODEL_KINDS.join(', ')}`);
  return buildPreset(model, args);
}

/** True for the models whose encoder outputs [z_mean, z_log_var, z]. */
export function isVariational(model: ModelKind | ModelSpec): boolean {
  return typeof model === 'object' ? model.type === 'vae' : model !== 'ae';
}
