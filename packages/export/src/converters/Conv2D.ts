/** Conv2D (channels_last in Keras, NCHW in the graph) with explicit 'same' pads, as tf2onnx writes. */
import { applyActivation } from '../activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { ConvLayerConfig } from '../keras-format.ts';
import { convOutSize, pair, requireChannelsLast, samePadding } from '../layout.ts';
import { convKernel } from '../weights.ts';
import { ExportError } from '../errors.ts';

const v1: ConvertFn<ConvLayerConfig> = ({ b, layer, inputs, requireWeight, weight }) => {
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'Conv2D');
  if (x.shape.length !== 3) throw new ExportError(`Layer "${name}" (Conv2D): expects an image input [H, W, C], received [${x.shape}]`);
  const [kh, kw] = pair(config.kernel_size, 1, 'kernel_size', name);
  const [sh, sw] = pair(config.strides, 1, 'strides', name);
  const [dh, dw] = pair(config.dilation_rate, 1, 'dilation_rate', name);
  const groups = config.groups ?? 1;
  const padding = config.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ExportError(`Layer "${name}" (Conv2D): padding "${padding}" is not supported (valid, same)`);
  const kernel = convKernel(requireWeight('kernel'));
  const inputs2 = [x.name, b.floatConstant(`${name}/kernel`, kernel.data, kernel.shape)];
  const bias = config.use_bias === false ? undefined : weight('bias');
  if (bias) inputs2.push(b.floatConstant(`${name}/bias`, bias.data, bias.shape));
  const attributes = [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('dilations', [dh, dw]),
    attr.i('group', groups),
  ];
  const [h, w] = x.shape;
  if (padding === 'same') {
    if (h === null || w === null) {
      attributes.push(attr.s('auto_pad', 'SAME_UPPER')); // TF's SAME puts the odd pixel at the end, like SAME_UPPER
    } else {
      const [pt, pb] = samePadding(h, kh, sh, dh);
      const [pl, pr] = samePadding(w, kw, sw, dw);
      attributes.push(attr.ints('pads', [pt, pl, pb, pr]));
    }
  } else {
    attributes.push(attr.ints('pads', [0, 0, 0, 0]));
  }
  const y = {
    name: b.op('Conv', inputs2, attributes, name),
    shape: [convOutSize(h, kh, sh, dh, padding), convOutSize(w, kw, sw, dw, padding), config.filters],
  };
  return [applyActivation(b, config.activation, y, name, name)];
};

export const conv2DConverter: ConverterConfig<ConvLayerConfig> = { className: 'Conv2D', opsets: { 1: v1 } };
