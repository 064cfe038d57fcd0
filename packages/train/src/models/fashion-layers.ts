/**
 * The convolutional trunk shared by the book's Fashion-MNIST autoencoder and VAE (ch. 3):
 * encoder Conv2D 32/64/128 (3x3, stride 2, same, ReLU) + Flatten; decoder Dense(4*4*128), Reshape,
 * Conv2DTranspose 128/64/32 (3x3, stride 2, same, ReLU), Conv2D(1, 3x3, same, sigmoid).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '../types.ts';
import { kernelInitializers } from './initializers.ts';
import { ValueError } from '../errors.ts';

export const FASHION_IMAGE_SHAPE: ImageShape = [32, 32, 1];
/** The book's shape_before_flattening for 32x32 inputs. */
export const FASHION_SHAPE_BEFORE_FLATTENING: [number, number, number] = [4, 4, 128];

const FILTERS = [32, 64, 128];

/** encoder_input -> encoder_conv_1..3 -> encoder_flatten; returns the input and the flat features. */
export function fashionEncoderTrunk(next: ReturnType<typeof kernelInitializers>): {
  input: tfl.SymbolicTensor;
  features: tfl.SymbolicTensor;
} {
  const input = tfl.input({ shape: FASHION_IMAGE_SHAPE, name: 'encoder_input' });
  let x: tfl.SymbolicTensor = input;
  FILTERS.forEach((filters, i) => {
    x = tfl.layers
      .conv2d({
        filters,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: next(),
        name: `encoder_conv_${i + 1}`,
      })
      .apply(x) as tfl.SymbolicTensor;
  });
  const features = tfl.layers.flatten({ name: 'encoder_flatten' }).apply(x) as tfl.SymbolicTensor;
  return { input, features };
}

/** decoder_input -> decoder_dense -> decoder_reshape -> decoder_conv_t_1..3 -> decoder_output. */
export function fashionDecoder(latentDim: number, next: ReturnType<typeof kernelInitializers>): tfl.LayersModel {
  const input = tfl.input({ shape: [latentDim], name: 'decoder_input' });
  const [h, w, c] = FASHION_SHAPE_BEFORE_FLATTENING;
  let x = tfl.layers
    .dense({ units: h * w * c, kernelInitializer: next(), name: 'decoder_dense' })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [h, w, c], name: 'decoder_reshape' }).apply(x) as tfl.SymbolicTensor;
  [...FILTERS].reverse().forEach((filters, i) => {
    x = tfl.layers
      .conv2dTranspose({
        filters,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: next(),
        name: `decoder_conv_t_${i + 1}`,
      })
      .apply(x) as tfl.SymbolicTensor;
  });
  const output = tfl.layers
    .conv2d({
      filters: 1,
      kernelSize: 3,
      strides: 1,
      padding: 'same',
      activation: 'sigmoid',
      kernelInitializer: next(),
      name: 'decoder_output',
    })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'decoder' });
}

export function checkLatentDim(latentDim: number, builder: string): void {
  if (!Number.isInteger(latentDim) || latentDim < 1) {
    throw new ValueError(`${builder}: latentDim must be a positive integer, received ${String(latentDim)}`);
  }
}
