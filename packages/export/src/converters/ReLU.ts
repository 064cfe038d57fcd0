/**
 * ReLU layer with Keras's options (keras/src/layers/activations/relu.py, the same formula as Keras
 * 2's backend.relu): y = (threshold ? (x > threshold ? x : 0) : relu(x)), clipped to max_value when set,
 * minus negative_slope * relu(threshold - x). The plain layer is one Relu (or Clip with max_value).
 */
import { clip } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ReLULayerConfig } from '../keras-format.ts';

const v9: ConvertFn<ReLULayerConfig> = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const { name, config } = layer;
  const max = config.max_value;
  const slope = Number(config.negative_slope ?? 0);
  const threshold = Number(config.threshold ?? 0);
  let y: string;
  if (threshold !== 0) {
    const t = b.floatConstant(`${name}/threshold`, [threshold], []);
    y = b.op('Where', [b.op('Greater', [x.name, t], [], name), x.name, b.floatConstant(`${name}/zero`, [0], [])], [], name);
  } else {
    y = b.op('Relu', [x.name], [], name);
  }
  if (max != null) y = clip(b, y, 0, max, `${name}/max_value`);
  if (slope !== 0) {
    const below = b.op('Relu', [b.op('Sub', [b.floatConstant(`${name}/threshold`, [threshold], []), x.name], [], name)], [], name);
    y = b.op('Sub', [y, b.op('Mul', [below, b.floatConstant(`${name}/negative_slope`, [slope], [])], [], name)], [], name);
  }
  return [{ name: y, shape: x.shape }];
};

export const reLUConverter: ConverterConfig<ReLULayerConfig> = { className: 'ReLU', opsets: { 9: v9 } };
