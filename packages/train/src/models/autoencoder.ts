/**
 * The book's Fashion-MNIST autoencoder (ch. 3.1): 343,043 parameters at latentDim 2.
 * Layer names: encoder_input, encoder_conv_1..3, encoder_flatten, encoder_output (Dense(latentDim));
 * decoder_input, decoder_dense, decoder_reshape, decoder_conv_t_1..3, decoder_output.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLatentDim, fashionDecoder, fashionEncoderTrunk, FASHION_IMAGE_SHAPE } from './fashion-layers.ts';
import { kernelInitializers } from './initializers.ts';
import type { ModelPair } from './model-pair.ts';

export interface AutoencoderArgs {
  /** Size of the latent space (book: 2). */
  latentDim?: number;
  /** Seeds the kernel initialisers; omit for unseeded (Keras-like) initialisation. */
  seed?: number;
}

/**
 * Builds the book's Fashion-MNIST autoencoder: encoder [n, 32, 32, 1] -> z [n, latentDim], decoder
 * z [n, latentDim] -> [n, 32, 32, 1] in [0, 1] (sigmoid). Untrained; `seed` makes the weights repeatable.
 * @throws ValueError when latentDim is not a positive integer.
 */
export function buildAutoencoder(args: AutoencoderArgs = {}): ModelPair {
  const latentDim = args.latentDim ?? 2;
  checkLatentDim(latentDim, 'buildAutoencoder');
  const next = kernelInitializers(args.seed);
  const { input, features } = fashionEncoderTrunk(next);
  const z = tfl.layers
    .dense({ units: latentDim, kernelInitializer: next(), name: 'encoder_output' })
    .apply(features) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: z, name: 'encoder' });
  const decoder = fashionDecoder(latentDim, next);
  return { kind: 'ae', encoder, decoder, latentDim, imageShape: [...FASHION_IMAGE_SHAPE] };
}
