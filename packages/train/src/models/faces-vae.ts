/**
 * The book's CelebA faces VAE (ch. 3.3): 64x64x3 images, 200-d latent space; encoder 253,584 and
 * decoder 240,131 parameters.
 *
 * As in the book's notebook, convolutions carry no activation; each is followed by
 * BatchNormalization() (Keras defaults: momentum 0.99, epsilon 1e-3) and LeakyReLU() with Keras's
 * default alpha 0.3 (written out here, as tfjs's default could change independently). The last
 * decoder layer is a Conv2DTranspose(3, stride 1, sigmoid) with no BN.
 *
 * Layer names: encoder_input, encoder_conv_i / encoder_bn_i / encoder_lrelu_i (i = 1..5),
 * encoder_flatten, z_mean, z_log_var, z (Sampling); decoder_input, decoder_dense, decoder_bn_0,
 * decoder_lrelu_0, decoder_reshape, decoder_conv_t_i / decoder_bn_i / decoder_lrelu_i (i = 1..5),
 * decoder_output.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '../types.ts';
import { checkLatentDim } from './fashion-layers.ts';
import { kernelInitializers } from './initializers.ts';
import type { ModelPair } from './model-pair.ts';
import { Sampling } from './sampling.ts';

/** Faces VAE input and output: 64x64 RGB, [height, width, channels]. */
export const FACES_IMAGE_SHAPE: ImageShape = [64, 64, 3];
/** Keras's LeakyReLU() default, which the book uses. */
export const LEAKY_RELU_ALPHA = 0.3;
const NUM_FEATURES = 64;
const BLOCKS = 5;

export interface FacesVaeArgs {
  /** Size of the latent space (book: Z_DIM = 200). */
  latentDim?: number;
  /** Seeds the kernel initialisers and the Sampling layer's own noise. */
  seed?: number;
}

type Sym = tfl.SymbolicTensor;

function bnLeaky(x: Sym, prefix: string, i: number): Sym {
  const bn = tfl.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3, name: `${prefix}_bn_${i}` }).apply(x) as Sym;
  return tfl.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: `${prefix}_lrelu_${i}` }).apply(bn) as Sym;
}

/**
 * Builds the book's CelebA faces VAE: encoder [n, 64, 64, 3] -> [z_mean, z_log_var, z], each
 * [n, latentDim] (default 200); decoder z [n, latentDim] -> [n, 64, 64, 3] in [0, 1]. Untrained;
 * `seed` makes weights and noise repeatable.
 * @throws ValueError when latentDim is not a positive integer.
 */
export function buildFacesVae(args: FacesVaeArgs = {}): ModelPair {
  const latentDim = args.latentDim ?? 200;
  checkLatentDim(latentDim, 'buildFacesVae');
  const next = kernelInitializers(args.seed);

  const input = tfl.input({ shape: FACES_IMAGE_SHAPE, name: 'encoder_input' });
  let x: Sym = input;
  for (let i = 1; i <= BLOCKS; i++) {
    x = tfl.layers
      .conv2d({
        filters: NUM_FEATURES,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        kernelInitializer: next(),
        name: `encoder_conv_${i}`,
      })
      .apply(x) as Sym;
    x = bnLeaky(x, 'encoder', i);
  }
  const shapeBeforeFlattening = x.shape.slice(1) as number[]; // [2, 2, 64]
  const features = tfl.layers.flatten({ name: 'encoder_flatten' }).apply(x) as Sym;
  const zMean = tfl.layers.dense({ units: latentDim, kernelInitializer: next(), name: 'z_mean' }).apply(features) as Sym;
  const zLogVar = tfl.layers
    .dense({ units: latentDim, kernelInitializer: next(), name: 'z_log_var' })
    .apply(features) as Sym;
  const z = new Sampling({ name: 'z', seed: args.seed }).apply([zMean, zLogVar]) as Sym;
  const encoder = tfl.model({ inputs: input, outputs: [zMean, zLogVar, z], name: 'encoder' });

  const decoderInput = tfl.input({ shape: [latentDim], name: 'decoder_input' });
  let y = tfl.layers
    .dense({
      units: shapeBeforeFlattening.reduce((a, b) => a * b, 1),
      kernelInitializer: next(),
      name: 'decoder_dense',
    })
    .apply(decoderInput) as Sym;
  y = bnLeaky(y, 'decoder', 0);
  y = tfl.layers.reshape({ targetShape: shapeBeforeFlattening, name: 'decoder_reshape' }).apply(y) as Sym;
  for (let i = 1; i <= BLOCKS; i++) {
    y = tfl.layers
      .conv2dTranspose({
        filters: NUM_FEATURES,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        kernelInitializer: next(),
        name: `decoder_conv_t_${i}`,
      })
      .apply(y) as Sym;
    y = bnLeaky(y, 'decoder', i);
  }
  const output = tfl.layers
    .conv2dTranspose({
      filters: FACES_IMAGE_SHAPE[2],
      kernelSize: 3,
      strides: 1,
      padding: 'same',
      activation: 'sigmoid',
      kernelInitializer: next(),
      name: 'decoder_output',
    })
    .apply(y) as Sym;
  const decoder = tfl.model({ inputs: decoderInput, outputs: output, name: 'decoder' });
  return { kind: 'faces-vae', encoder, decoder, latentDim, imageShape: [...FACES_IMAGE_SHAPE] };
}
