/**
 * Conv2DTranspose as ONNX ConvTranspose with explicit pads (never auto_pad, which runtimes
 * disagree on). Keras 'same' gives output size in * stride; 'valid' gives (in - 1) * stride + k
 * (at least in * stride). The pads (odd pixel at the end) or output_padding reach that size.
 */
import { applyActivation } from '../activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { ConvLayerConfig } from '../keras-format.ts';
import { pair, requireChannelsLast, requireStatic } from '../layout.ts';
import { convTransposeKernel } from '../weights.ts';
import { ExportError } from '../errors.ts';

/** [padBegin, padEnd, outputPadding] giving Keras's output size along one axis. */
export function transposePads(size: number, kernel: number, stride: number, dilation: number, padding: string): [number, number, number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const target = padding === 'same' ? size * stride : size * stride + Math.max(effective - stride, 0);
  const total = stride * (size - 1) + effective - target;
  if (total >= 0) {
    const begin = Math.floor(total / 2);
    return [begin, total - begin, 0, target];
  }
  return [0, 0, -total, target];
}

const v1: ConvertFn<ConvLayerConfig> = ({ b, layer, inputs, requireWeight, weight }) => {
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'Conv2DTranspose');
  if (x.shape.length !== 3) throw new ExportError(`Layer "${name}" (Conv2DTranspose): expects an image input [H, W, C], received [${x.shape}]`);
  const [h, w] = requireStatic(x.shape, name, 'Conv2DTranspose padding');
  const [kh, kw] = pair(config.kernel_size, 1, 'kernel_size', name);
  const [sh, sw] = pair(config.strides, 1, 'strides', name);
  const [dh, dw] = pair(config.dilation_rate, 1, 'dilation_rate', name);
  const padding = config.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ExportError(`Layer "${name}" (Conv2DTranspose): padding "${padding}" is not supported (valid, same)`);
  if (config.output_padding != null) throw new ExportError(`Layer "${name}" (Conv2DTranspose): output_padding is not supported`);
  const kernel = convTransposeKernel(requireWeight('kernel'));
  const ins = [x.name, b.floatConstant(`${name}/kernel`, kernel.data, kernel.shape)];
  const bias = config.use_bias === false ? undefined : weight('bias');
  if (bias) ins.push(b.floatConstant(`${name}/bias`, bias.data, bias.shape));
  const [pt, pb, oph, oh] = transposePads(h, kh, sh, dh, padding);
  const [pl, pr, opw, ow] = transposePads(w, kw, sw, dw, padding);
  const attributes = [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('dilations', [dh, dw]),
    attr.ints('pads', [pt, pl, pb, pr]),
  ];
  if (oph || opw) attributes.push(attr.ints('output_padding', [oph, opw]));
  const y = { name: b.op('ConvTranspose', ins, attributes, name), shape: [oh, ow, config.filters] };
  return [applyActivation(b, config.activation, y, name, name)];
};

export const conv2DTransposeConverter: ConverterConfig<ConvLayerConfig> = { className: 'Conv2DTranspose', opsets: { 1: v1 } };
