/** Conv2D (channels_last in Keras, NCHW in the graph) with explicit 'same' pads, as tf2onnx writes. */
import { applyActivation } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ConvLayerConfig } from '../keras-format.ts';
import { requireChannelsLast } from '../layout.ts';
import { convKernel } from '../weights.ts';
import { convGeometry, convNode } from './helpers/conv.ts';

const v1: ConvertFn<ConvLayerConfig> = (ctx) => {
  const { b, layer, inputs, requireWeight, weight, writer } = ctx;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'Conv2D');
  const g = convGeometry(ctx);
  const bias = config.use_bias === false ? undefined : weight('bias');
  const y = convNode(ctx, inputs[0], g, convKernel(requireWeight('kernel')), bias, config.groups ?? 1, name);
  return [applyActivation(b, config.activation, y, name, name, writer)];
};

export const conv2DConverter: ConverterConfig<ConvLayerConfig> = { className: 'Conv2D', opsets: { 1: v1 } };
