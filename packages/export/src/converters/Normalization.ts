/**
 * Normalization (keras.layers.Normalization): (x - mean) / max(sqrt(variance), 1e-7), or with
 * `invert` mean + x * max(sqrt(variance), 1e-7) (keras/src/layers/preprocessing/normalization.py;
 * 1e-7 is keras.backend.epsilon()). mean and variance come from the config when given there,
 * otherwise from the adapted weights; over any kept axes (default the last), or a scalar.
 */
import type { ConverterConfig, ConvertFn, WeightTensor } from '../converter.ts';
import { ExportError } from '../errors.ts';
import { broadcastConstant, kerasAxes } from './helpers/broadcast.ts';

const EPSILON = 1e-7;

const v7: ConvertFn = ({ b, layer, inputs, weight }) => {
  const [x] = inputs;
  const { name, config } = layer;
  // The kept axes (statistics per position along them), any of them: broadcastConstant lays the
  // statistics out over those axes in the graph layout. axis null (one mean, one variance) is a scalar.
  const axes = kerasAxes(config.axis ?? -1, x, name, 'Normalization');
  const fromConfig = (v: unknown): Float32Array | undefined => (v === undefined || v === null ? undefined : Float32Array.from((Array.isArray(v) ? v.flat(Infinity) : [v]) as number[]));
  const need = (suffix: string): WeightTensor => {
    const w = weight(suffix);
    if (!w) throw new ExportError(`Layer "${name}" (Normalization): no ${suffix} in the config and no adapted "${suffix}" weight; adapt() the layer or pass mean and variance`);
    return w;
  };
  const mean = fromConfig(config.mean) ?? need('mean').data;
  const variance = fromConfig(config.variance) ?? need('variance').data;
  const std = Float32Array.from(variance, (v) => Math.max(Math.sqrt(v), EPSILON));
  const m = broadcastConstant(b, mean, x, axes, `${name}/mean`, 'mean', name);
  const s = broadcastConstant(b, std, x, axes, `${name}/std`, 'variance', name);
  const y = config.invert === true ? b.op('Add', [m, b.op('Mul', [x.name, s], [], name)], [], name) : b.op('Div', [b.op('Sub', [x.name, m], [], name), s], [], name);
  return [{ name: y, shape: x.shape }];
};

export const normalizationConverter: ConverterConfig = { className: 'Normalization', opsets: { 7: v7 } };
