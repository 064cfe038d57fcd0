/**
 * Conv2DTranspose as ONNX ConvTranspose with explicit pads (never auto_pad, which runtimes
 * disagree on). Keras's output size (keras/src/ops/operation_utils.py deconv_output_length) is
 * in * stride for 'same' and (in - 1) * stride + k for 'valid' (at least in * stride); with
 * output_padding p it is (in - 1) * stride + k - 2 * pad + p (pad = k // 2 for 'same', 0 for
 * 'valid'). TF places that output as the gradient of a forward conv of the same padding: for
 * 'same' the forward conv's padding before is floor(total / 2), for 'valid' 0; pads (odd pixel at
 * the end) or ONNX output_padding reach the size. Those pads do not depend on the input size, so a
 * dynamic H or W gets the same node and onnxruntime computes the output size in the graph.
 * @throws ExportError for a non-image input, padding other than valid/same, or a kernel whose
 *   input channels differ from the input's.
 */
import { applyActivation } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { ConvLayerConfig } from '../keras-format.ts';
import { pair, requireChannelsLast } from '../layout.ts';
import { convTransposeKernel } from '../weights.ts';
import { ExportError } from '../errors.ts';

/**
 * [padBegin, padEnd, outputPadding, outputSize] giving Keras's output size along one axis. The pads
 * do not depend on `size` (ConvTranspose's full output is stride * (size - 1) + effective, and
 * Keras's target differs from it by a constant), so a dynamic size (null) gets the same pads and
 * onnxruntime computes the output size in the graph; outputSize is then null.
 */
export function transposePads(size: number | null, kernel: number, stride: number, dilation: number, padding: string, outputPadding?: number): [number, number, number, number | null] {
  const effective = (kernel - 1) * dilation + 1;
  const n = size ?? 1;
  let target: number;
  if (outputPadding === undefined) target = padding === 'same' ? n * stride : n * stride + Math.max(effective - stride, 0);
  else target = (n - 1) * stride + effective - 2 * (padding === 'same' ? Math.floor(effective / 2) : 0) + outputPadding;
  const total = stride * (n - 1) + effective - target;
  const out = size === null ? null : target;
  if (total >= 0) {
    const begin = padding === 'same' ? Math.floor(total / 2) : 0;
    return [begin, total - begin, 0, out];
  }
  return [0, 0, -total, out];
}

const v1: ConvertFn<ConvLayerConfig> = ({ b, layer, inputs, requireWeight, weight, writer }) => {
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'Conv2DTranspose');
  if (x.shape.length !== 3) throw new ExportError(`Layer "${name}" (Conv2DTranspose): expects an image input [H, W, C], received [${x.shape}]`);
  const [h, w, channels] = x.shape;
  const [kh, kw] = pair(config.kernel_size, 1, 'kernel_size', name);
  const [sh, sw] = pair(config.strides, 1, 'strides', name);
  const [dh, dw] = pair(config.dilation_rate, 1, 'dilation_rate', name);
  const padding = config.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ExportError(`Layer "${name}" (Conv2DTranspose): padding "${padding}" is not supported (valid, same)`);
  const outputPadding = config.output_padding == null ? undefined : pair(config.output_padding as number[], 0, 'output_padding', name);
  const kernel = convTransposeKernel(requireWeight('kernel'));
  if (channels !== null && kernel.shape[0] !== channels) {
    throw new ExportError(`Layer "${name}" (Conv2DTranspose): its kernel takes ${kernel.shape[0]} input channel(s) but its input has ${channels} (check the layer's data_format)`);
  }
  const ins = [x.name, b.floatConstant(`${name}/kernel`, kernel.data, kernel.shape)];
  const bias = config.use_bias === false ? undefined : weight('bias');
  if (bias) ins.push(b.floatConstant(`${name}/bias`, bias.data, bias.shape));
  const [pt, pb, oph, oh] = transposePads(h, kh, sh, dh, padding, outputPadding?.[0]);
  const [pl, pr, opw, ow] = transposePads(w, kw, sw, dw, padding, outputPadding?.[1]);
  const attributes = [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('dilations', [dh, dw]),
    attr.ints('pads', [pt, pl, pb, pr]),
  ];
  if (oph || opw) attributes.push(attr.ints('output_padding', [oph, opw]));
  const y = { name: b.op('ConvTranspose', ins, attributes, name), shape: [oh, ow, config.filters] };
  return [applyActivation(b, config.activation, y, name, name, writer)];
};

export const conv2DTransposeConverter: ConverterConfig<ConvLayerConfig> = { className: 'Conv2DTranspose', opsets: { 1: v1 } };
