/**
 * UpSampling2D as Resize. tfjs's nearest upsampling repeats pixels (asymmetric coordinates, floor);
 * its bilinear mode is resizeBilinear without align_corners or half-pixel centres (asymmetric).
 * Opset 11 needs an roi tensor; from 13 it may be omitted.
 */
import type { ConverterConfig, ConvertFn, ConvertContext, Sym } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { UpSampling2DLayerConfig } from '../keras-format.ts';
import { pair, requireChannelsLast } from '../layout.ts';
import { ExportError } from '../errors.ts';

function resize(ctx: ConvertContext<UpSampling2DLayerConfig>, roiOptional: boolean): Sym[] {
  const { b, layer, inputs } = ctx;
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'UpSampling2D');
  const [fh, fw] = pair(config.size, 2, 'size', name);
  const mode = config.interpolation ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') throw new ExportError(`Layer "${name}" (UpSampling2D): interpolation "${mode}" is not supported (nearest, bilinear)`);
  const roi = roiOptional ? '' : b.floatConstant(`${name}/roi`, [], [0], { keepFloat32: true });
  // Resize's scales are always float32, whatever the data type.
  const scales = b.floatConstant(`${name}/scales`, [1, 1, fh, fw], [4], { keepFloat32: true });
  const attributes = [
    attr.s('mode', mode === 'nearest' ? 'nearest' : 'linear'),
    attr.s('coordinate_transformation_mode', 'asymmetric'),
  ];
  if (mode === 'nearest') attributes.push(attr.s('nearest_mode', 'floor'));
  const [h, w, c] = x.shape;
  const shape = [h === null ? null : h * fh, w === null ? null : w * fw, c];
  return [{ name: b.op('Resize', [x.name, roi, scales], attributes, name), shape }];
}

const v11: ConvertFn<UpSampling2DLayerConfig> = (ctx) => resize(ctx, false);
const v13: ConvertFn<UpSampling2DLayerConfig> = (ctx) => resize(ctx, true);

export const upSampling2DConverter: ConverterConfig<UpSampling2DLayerConfig> = { className: 'UpSampling2D', opsets: { 11: v11, 13: v13 } };
