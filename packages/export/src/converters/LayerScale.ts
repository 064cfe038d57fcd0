/**
 * ConvNeXt's LayerScale (keras.src.applications.convnext): x * gamma, gamma [projection_dim] over
 * the channel axis. Only that class is accepted under this name (keras/config.ts checks the module).
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { broadcastConstant } from './helpers/broadcast.ts';

const v7: ConvertFn = ({ b, layer, inputs, weight, requireWeight }) => {
  const [x] = inputs;
  // Keras 3's .keras stores it as vars/0 (read as 'gamma'); the legacy .h5 writer names it 'variable'.
  const gamma = weight('variable') ?? requireWeight('gamma');
  const g = broadcastConstant(b, gamma.data, x, [x.shape.length], `${layer.name}/gamma`, 'gamma', layer.name);
  return [{ name: b.op('Mul', [x.name, g], [], layer.name), shape: x.shape }];
};

export const layerScaleConverter: ConverterConfig = { className: 'LayerScale', opsets: { 7: v7 } };
