/** Flatten keeps TF's H*W*C order: images go back to NHWC before the ONNX Flatten. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { FlattenLayerConfig } from '../keras-format.ts';
import { requireChannelsLast, toKerasLayout } from '../layout.ts';

const v1: ConvertFn<FlattenLayerConfig> = ({ b, layer, inputs }) => {
  const [x] = inputs;
  requireChannelsLast(layer.config.data_format, layer.name, 'Flatten');
  const size = x.shape.some((d) => d === null) ? null : (x.shape as number[]).reduce((a, c) => a * c, 1);
  const keras = toKerasLayout(b, x, layer.name);
  return [{ name: b.op('Flatten', [keras], [attr.i('axis', 1)], layer.name), shape: [size] }];
};

export const flattenConverter: ConverterConfig<FlattenLayerConfig> = { className: 'Flatten', opsets: { 1: v1 } };
