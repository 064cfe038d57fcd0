/**
 * The book's Fashion-MNIST VAE (ch. 3.2): encoder 100,868 and decoder 246,273 parameters at latentDim 2.
 * Layer names: encoder_input, encoder_conv_1..3, encoder_flatten, z_mean, z_log_var, z (Sampling);
 * decoder_input, decoder_dense, decoder_reshape, decoder_conv_t_1..3, decoder_output.
 * The encoder outputs [z_mean, z_log_var, z].
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLatentDim, fashionDecoder, fashionEncoderTrunk, FASHION_IMAGE_SHAPE } from './fashion-layers.ts';
import { kernelInitializers } from './initializers.ts';
import type { ModelPair } from './model-pair.ts';
import { Sampling } from './sampling.ts';

export interface VaeArgs {
  /** Size of the latent space (book: 2). */
  latentDim?: number;
  /** Seeds the kernel initialisers and the Sampling layer's own noise. */
  seed?: number;
}

/**
 * Builds the book's Fashion-MNIST VAE: encoder [n, 32, 32, 1] -> [z_mean, z_log_var, z], each
 * [n, latentDim] (z = z_mean + exp(z_log_var / 2) * eps, eps ~ N(0, 1), the Sampling layer); decoder
 * z [n, latentDim] -> [n, 32, 32, 1] in [0, 1]. Untrained; `seed` makes weights and noise repeatable.
 * @throws ValueError when latentDim is not a positive integer.
 */
export function buildVae(args: VaeArgs = {}): ModelPair {
  const latentDim = args.latentDim ?? 2;
  checkLatentDim(latentDim, 'buildVae');
  const next = kernelInitializers(args.seed);
  const { input, features } = fashionEncoderTrunk(next);
  const zMean = tfl.layers
    .dense({ units: latentDim, kernelInitializer: next(), name: 'z_mean' })
    .apply(features) as tfl.SymbolicTensor;
  const zLogVar = tfl.layers
    .dense({ units: latentDim, kernelInitializer: next(), name: 'z_log_var' })
    .apply(features) as tfl.SymbolicTensor;
  const z = new Sampling({ name: 'z', seed: args.seed }).apply([zMean, zLogVar]) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: [zMean, zLogVar, z], name: 'encoder' });
  const decoder = fashionDecoder(latentDim, next);
  return { kind: 'vae', encoder, decoder, latentDim, imageShape: [...FASHION_IMAGE_SHAPE] };
}
