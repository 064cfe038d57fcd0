/**
 * LayerNormalization over its Keras axes (default -1): (x - mean) / sqrt(var + epsilon) * gamma +
 * beta, or with rms_scaling x / sqrt(mean(x^2) + epsilon) * gamma (keras/src/ops/nn.py
 * layer_normalization). Written as ReduceMean/Sub/Mul/Sqrt/Div for every opset: ONNX's own
 * LayerNormalization (opset 17) normalizes trailing axes only, and an image's channel axis is axis
 * 1 in the graph. Keras's epsilon default 1e-3 is in every config it saves.
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { broadcastConstant, graphAxis, kerasAxes } from './helpers/broadcast.ts';
import { normalizeOver, type AxesForm } from './helpers/reduce.ts';

function layerNorm({ b, layer, inputs, weight }: Parameters<ConvertFn>[0], form: AxesForm) {
  const [x] = inputs;
  const { name, config } = layer;
  const axes = kerasAxes(config.axis ?? -1, x, name, 'LayerNormalization');
  const rms = config.rms_scaling === true;
  let y = normalizeOver(b, x.name, axes.map((a) => graphAxis(x, a)), Number(config.epsilon ?? 1e-3), form, name, rms);
  const gamma = config.scale === false ? undefined : weight('gamma');
  const beta = config.center === false || rms ? undefined : weight('beta');
  if (gamma) y = b.op('Mul', [y, broadcastConstant(b, gamma.data, x, axes, `${name}/gamma`, 'gamma', name)], [], name);
  if (beta) y = b.op('Add', [y, broadcastConstant(b, beta.data, x, axes, `${name}/beta`, 'beta', name)], [], name);
  return [{ name: y, shape: x.shape }];
}

// ReduceMean takes its axes as an input from opset 18: the same nodes otherwise.
const v11: ConvertFn = (ctx) => layerNorm(ctx, 'attribute');
const v18: ConvertFn = (ctx) => layerNorm(ctx, 'input');

export const layerNormalizationConverter: ConverterConfig = { className: 'LayerNormalization', opsets: { 11: v11, 18: v18 } };
