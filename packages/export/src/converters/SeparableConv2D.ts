/**
 * SeparableConv2D: a depthwise Conv (group = input channels; strides, dilation and padding of the
 * layer; no bias) then a 1x1 pointwise Conv with the bias, then the activation
 * (tf.nn.separable_conv2d).
 */
import { applyActivation } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ConvLayerConfig } from '../keras-format.ts';
import { requireChannelsLast } from '../layout.ts';
import { convKernel, depthwiseKernel } from '../weights.ts';
import { convGeometry, convNode } from './helpers/conv.ts';

const v1: ConvertFn<ConvLayerConfig> = (ctx) => {
  const { b, layer, inputs, requireWeight, weight, writer } = ctx;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'SeparableConv2D');
  const g = convGeometry(ctx);
  const depthwise = requireWeight('depthwise_kernel');
  const d = convNode(ctx, inputs[0], g, depthwiseKernel(depthwise), undefined, depthwise.shape[2], `${name}/depthwise`);
  const pointwise = { kernel: [1, 1] as [number, number], strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], padding: 'valid' as const };
  const bias = config.use_bias === false ? undefined : weight('bias');
  const y = convNode(ctx, d, pointwise, convKernel(requireWeight('pointwise_kernel')), bias, 1, name);
  return [applyActivation(b, config.activation, y, name, name, writer)];
};

export const separableConv2DConverter: ConverterConfig<ConvLayerConfig> = { className: 'SeparableConv2D', opsets: { 1: v1 } };
