/**
 * DepthwiseConv2D as a grouped Conv (group = input channels). Keras's kernel [kh, kw, in, mult]
 * gives output channel c * mult + m (tf.nn.depthwise_conv2d), so the ONNX weight is the kernel
 * permuted to [in, mult, kh, kw] and read as [in * mult, 1, kh, kw].
 */
import { applyActivation } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ConvLayerConfig } from '../keras-format.ts';
import { requireChannelsLast } from '../layout.ts';
import { depthwiseKernel } from '../weights.ts';
import { convGeometry, convNode } from './helpers/conv.ts';

const v1: ConvertFn<ConvLayerConfig> = (ctx) => {
  const { b, layer, inputs, requireWeight, weight, writer } = ctx;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'DepthwiseConv2D');
  const g = convGeometry(ctx);
  // Keras 3 names the kernel 'kernel'; tfjs and Keras 2 'depthwise_kernel'.
  const kernel = weight('depthwise_kernel') ?? requireWeight('kernel');
  const bias = config.use_bias === false ? undefined : weight('bias');
  const y = convNode(ctx, inputs[0], g, depthwiseKernel(kernel), bias, kernel.shape[2], name);
  return [applyActivation(b, config.activation, y, name, name, writer)];
};

export const depthwiseConv2DConverter: ConverterConfig<ConvLayerConfig> = { className: 'DepthwiseConv2D', opsets: { 1: v1 } };
