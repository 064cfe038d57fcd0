/** Softmax layer over its axis (default -1). */
import { softmaxLastAxis } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { SoftmaxLayerConfig } from '../keras-format.ts';
import { ExportError } from '../errors.ts';

const v1: ConvertFn<SoftmaxLayerConfig> = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const rank = x.shape.length + 1;
  const axis = layer.config.axis ?? -1;
  if ((axis < 0 ? axis + rank : axis) !== rank - 1) {
    throw new ExportError(`Layer "${layer.name}" (Softmax): only the last axis is supported, received axis ${axis} on rank ${rank}`);
  }
  return [softmaxLastAxis(b, x, layer.name)];
};

export const softmaxConverter: ConverterConfig<SoftmaxLayerConfig> = { className: 'Softmax', opsets: { 1: v1 } };
