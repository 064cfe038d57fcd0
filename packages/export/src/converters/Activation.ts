/** Activation layer: the same activations Dense/Conv accept (see activations.ts). */
import { applyActivation } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ActivationLayerConfig } from '../keras-format.ts';

const v1: ConvertFn<ActivationLayerConfig> = ({ b, layer, inputs, writer }) => {
  const y = applyActivation(b, layer.config.activation, inputs[0], layer.name, layer.name, writer);
  // 'linear' returns its input untouched; that is fine, tensors are shared by name.
  return [y];
};

export const activationConverter: ConverterConfig<ActivationLayerConfig> = { className: 'Activation', opsets: { 1: v1 } };
