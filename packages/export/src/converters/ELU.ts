/** ELU layer: Elu with its alpha (Keras default 1.0). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';

const v6: ConvertFn = ({ b, layer, inputs }) => [
  { name: b.op('Elu', [inputs[0].name], [attr.f('alpha', Number(layer.config.alpha ?? 1))], layer.name), shape: inputs[0].shape },
];

export const eLUConverter: ConverterConfig = { className: 'ELU', opsets: { 6: v6 } };
