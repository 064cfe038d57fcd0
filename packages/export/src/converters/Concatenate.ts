/** Concatenate along a Keras axis, mapped to the graph layout (image channels are axis 1). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { ConcatenateLayerConfig } from '../keras-format.ts';
import { isImage, NHWC_TO_NCHW } from '../layout.ts';
import { ExportError } from '../errors.ts';

const v4: ConvertFn<ConcatenateLayerConfig> = ({ b, layer, inputs }) => {
  const [first] = inputs;
  const rank = first.shape.length + 1;
  const kerasAxis = layer.config.axis ?? -1;
  const axis = kerasAxis < 0 ? kerasAxis + rank : kerasAxis;
  if (axis <= 0 || axis >= rank) throw new ExportError(`Layer "${layer.name}" (Concatenate): axis ${kerasAxis} is invalid for rank ${rank} (the batch axis cannot be joined)`);
  if (inputs.some((x) => x.shape.length !== first.shape.length)) throw new ExportError(`Layer "${layer.name}" (Concatenate): inputs of different ranks: ${inputs.map((x) => `[${x.shape}]`).join(', ')}`);
  const onnxAxis = isImage(first) ? NHWC_TO_NCHW.indexOf(axis) : axis;
  const shape = first.shape.slice();
  const sizes = inputs.map((x) => x.shape[axis - 1]);
  shape[axis - 1] = sizes.some((s) => s === null) ? null : (sizes as number[]).reduce((a, c) => a + c, 0);
  return [{ name: b.op('Concat', inputs.map((x) => x.name), [attr.i('axis', onnxAxis)], layer.name), shape }];
};

export const concatenateConverter: ConverterConfig<ConcatenateLayerConfig> = { className: 'Concatenate', opsets: { 4: v4 } };
