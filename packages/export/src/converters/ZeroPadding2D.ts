/** ZeroPadding2D as Pad (pads as an int64 input, the form since opset 11). */
import type { ConverterConfig, ConvertFn, ConvertContext, Sym } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { ZeroPadding2DLayerConfig } from '../keras-format.ts';
import { requireChannelsLast } from '../layout.ts';
import { ExportError } from '../errors.ts';

function pads(ctx: ConvertContext<ZeroPadding2DLayerConfig>): [number, number, number, number] {
  const p = ctx.layer.config.padding ?? 1;
  if (typeof p === 'number') return [p, p, p, p];
  if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number') return [p[0], p[0], p[1], p[1]];
  if (Array.isArray(p) && p.length === 2 && Array.isArray(p[0]) && Array.isArray(p[1])) return [p[0][0], p[0][1], p[1][0], p[1][1]];
  throw new ExportError(`Layer "${ctx.layer.name}" (ZeroPadding2D): padding must be n, [h, w] or [[top, bottom], [left, right]], received ${JSON.stringify(p)}`);
}

function outShape(x: Sym, [t, bo, l, r]: number[]): (number | null)[] {
  const [h, w, c] = x.shape;
  return [h === null ? null : h + t + bo, w === null ? null : w + l + r, c];
}

const v11: ConvertFn<ZeroPadding2DLayerConfig> = (ctx) => {
  const [x] = ctx.inputs;
  requireChannelsLast(ctx.layer.config.data_format, ctx.layer.name, 'ZeroPadding2D');
  const p = pads(ctx);
  const [t, bo, l, r] = p;
  const padsName = ctx.b.int64Constant(`${ctx.layer.name}/pads`, [0, 0, t, l, 0, 0, bo, r]);
  const name = ctx.b.op('Pad', [x.name, padsName], [attr.s('mode', 'constant')], ctx.layer.name);
  return [{ name, shape: outShape(x, p) }];
};

export const zeroPadding2DConverter: ConverterConfig<ZeroPadding2DLayerConfig> = { className: 'ZeroPadding2D', opsets: { 11: v11 } };
