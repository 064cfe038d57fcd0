/** LeakyReLU with its alpha written out (tfjs/Keras default 0.3; ONNX would assume 0.01). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { LeakyReLULayerConfig } from '../keras-format.ts';

const v6: ConvertFn<LeakyReLULayerConfig> = ({ b, layer, inputs }) => {
  const alpha = layer.config.alpha ?? 0.3;
  return [{ name: b.op('LeakyRelu', [inputs[0].name], [attr.f('alpha', alpha)], layer.name), shape: inputs[0].shape }];
};

export const leakyReLUConverter: ConverterConfig<LeakyReLULayerConfig> = { className: 'LeakyReLU', opsets: { 6: v6 } };
