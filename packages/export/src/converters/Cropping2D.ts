/**
 * Cropping2D as Slice over H and W (graph axes 2 and 3): starts [top, left], ends [-bottom,
 * -right] (or "to the end" when 0), so dynamic H and W work. cropping: n, [h, w] or
 * [[top, bottom], [left, right]].
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { requireChannelsLast } from '../layout.ts';
import { ExportError } from '../errors.ts';

const END = 2 ** 62; // "to the end" for Slice (INT64_MAX works too; this stays exact in a JS number)

function cropping(c: unknown, layer: string): [number, number, number, number] {
  if (typeof c === 'number') return [c, c, c, c];
  if (Array.isArray(c) && c.length === 2 && c.every((v) => typeof v === 'number')) return [c[0], c[0], c[1], c[1]];
  if (Array.isArray(c) && c.length === 2 && c.every((v) => Array.isArray(v) && v.length === 2)) return [c[0][0], c[0][1], c[1][0], c[1][1]];
  throw new ExportError(`Layer "${layer}" (Cropping2D): cropping must be n, [h, w] or [[top, bottom], [left, right]], received ${JSON.stringify(c)}`);
}

const v11: ConvertFn = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const { name, config } = layer;
  requireChannelsLast(config.data_format as string | undefined, name, 'Cropping2D');
  if (x.shape.length !== 3) throw new ExportError(`Layer "${name}" (Cropping2D): expects an image input [H, W, C], received [${x.shape}]`);
  const [t, bo, l, r] = cropping(config.cropping ?? [[0, 0], [0, 0]], name);
  const [h, w, c] = x.shape;
  const y = b.op('Slice', [x.name, b.int64Constant(`${name}/starts`, [t, l]), b.int64Constant(`${name}/ends`, [bo ? -bo : END, r ? -r : END]), b.int64Constant(`${name}/axes`, [2, 3])], [], name);
  return [{ name: y, shape: [h === null ? null : h - t - bo, w === null ? null : w - l - r, c] }];
};

export const cropping2DConverter: ConverterConfig = { className: 'Cropping2D', opsets: { 11: v11 } };
