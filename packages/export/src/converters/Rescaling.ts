/** Rescaling: x * scale + offset (scale and offset scalars, or per last axis), as keras.layers.Rescaling. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { ExportError } from '../errors.ts';
import { broadcastConstant } from './helpers/broadcast.ts';

const values = (v: unknown, fallback: number, what: string, layer: string): Float32Array => {
  if (v === undefined || v === null) return Float32Array.of(fallback);
  const list = Array.isArray(v) ? v.flat(Infinity) : [v];
  if (!list.length || list.some((n) => typeof n !== 'number')) throw new ExportError(`Layer "${layer}" (Rescaling): ${what} must be a number or a list of numbers, received ${JSON.stringify(v)}`);
  return Float32Array.from(list as number[]);
};

const v7: ConvertFn = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const { name, config } = layer;
  const last = [x.shape.length];
  const scale = broadcastConstant(b, values(config.scale, 1, 'scale', name), x, last, `${name}/scale`, 'scale', name);
  const offset = broadcastConstant(b, values(config.offset, 0, 'offset', name), x, last, `${name}/offset`, 'offset', name);
  return [{ name: b.op('Add', [b.op('Mul', [x.name, scale], [], name), offset], [], name), shape: x.shape }];
};

export const rescalingConverter: ConverterConfig = { className: 'Rescaling', opsets: { 7: v7 } };
