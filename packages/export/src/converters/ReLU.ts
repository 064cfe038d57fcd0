/** ReLU layer: Relu, or a Clip when max_value is set. */
import { clip } from '../activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ReLULayerConfig } from '../keras-format.ts';

const v6: ConvertFn<ReLULayerConfig> = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const max = layer.config.max_value;
  const name = max == null ? b.op('Relu', [x.name], [], layer.name) : clip(b, x.name, 0, max, layer.name);
  return [{ name, shape: x.shape }];
};

export const reLUConverter: ConverterConfig<ReLULayerConfig> = { className: 'ReLU', opsets: { 6: v6 } };
