/**
 * Inference-form BatchNormalization over the channel axis (Keras axis -1 = ONNX axis 1 for both
 * images in NCHW and rank-2 features). Keras's epsilon (default 1e-3) is written, not ONNX's 1e-5.
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { BatchNormalizationLayerConfig } from '../keras-format.ts';
import { ExportError } from '../errors.ts';

const v9: ConvertFn<BatchNormalizationLayerConfig> = ({ b, layer, inputs, requireWeight, weight }) => {
  const [x] = inputs;
  const { config, name } = layer;
  const rank = x.shape.length + 1;
  const axes = Array.isArray(config.axis) ? config.axis : [config.axis ?? -1];
  const axis = axes.length === 1 ? (axes[0] < 0 ? axes[0] + rank : axes[0]) : NaN;
  if (axis !== rank - 1 || (rank !== 2 && rank !== 4)) {
    throw new ExportError(`Layer "${name}" (BatchNormalization): only the channel axis (-1) of rank-2 or rank-4 inputs is supported, received axis ${JSON.stringify(config.axis)} on rank ${rank}`);
  }
  const mean = requireWeight('moving_mean');
  const variance = requireWeight('moving_variance');
  const channels = mean.shape[0];
  const gamma = config.scale === false ? undefined : weight('gamma');
  const beta = config.center === false ? undefined : weight('beta');
  const ins = [
    x.name,
    b.floatConstant(`${name}/gamma`, gamma?.data ?? new Float32Array(channels).fill(1), [channels]),
    b.floatConstant(`${name}/beta`, beta?.data ?? new Float32Array(channels), [channels]),
    b.floatConstant(`${name}/moving_mean`, mean.data, [channels]),
    b.floatConstant(`${name}/moving_variance`, variance.data, [channels]),
  ];
  const epsilon = config.epsilon ?? 1e-3;
  return [{ name: b.op('BatchNormalization', ins, [attr.f('epsilon', epsilon)], name), shape: x.shape }];
};

export const batchNormalizationConverter: ConverterConfig<BatchNormalizationLayerConfig> = { className: 'BatchNormalization', opsets: { 9: v9 } };
