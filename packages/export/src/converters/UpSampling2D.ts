/**
 * UpSampling2D as Resize, with the coordinates of the framework that wrote the model:
 * - nearest: every framework repeats pixels (Keras 3 `ops.repeat`, tfjs resizeNearestNeighbor):
 *   asymmetric coordinates, floor.
 * - bilinear (and Keras's bicubic): Keras (3, and tf.keras 2's `tf.image.resize`) resizes with
 *   half-pixel centres (`coordinate_transformation_mode=half_pixel`); tfjs-layers calls
 *   `resizeBilinear(x, size)` with alignCorners = halfPixelCenters = false (`asymmetric`). Same layer
 *   name, different numbers: up to ~1 apart on [0, 1] images (tested against Keras 3 and tfjs).
 * - bicubic (Keras only): TF's half-pixel bicubic uses Keys' a = -0.5 (ONNX's default is -0.75)
 *   and gives taps outside the image weight 0, renormalizing the rest (ONNX exclude_outside = 1;
 *   TF's GetWeightsAndIndices with use_keys_cubic in resize_bicubic_op.cc).
 * Opset 11 needs an roi tensor; from 13 it may be omitted. Shapes [H, W, C] -> [H*fh, W*fw, C].
 * @throws ExportError for channels_first, an interpolation ONNX has no equivalent for (lanczos3/5),
 *   or bicubic in a tfjs model (tfjs-layers has no bicubic).
 */
import type { ConverterConfig, ConvertFn, ConvertContext, Sym } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { UpSampling2DLayerConfig } from '../keras-format.ts';
import { pair, requireChannelsLast } from '../layout.ts';
import { ExportError } from '../errors.ts';

function resize(ctx: ConvertContext<UpSampling2DLayerConfig>, roiOptional: boolean): Sym[] {
  const { b, layer, inputs, writer } = ctx;
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'UpSampling2D');
  const [fh, fw] = pair(config.size, 2, 'size', name);
  const mode = config.interpolation ?? 'nearest';
  const modes = writer === 'tfjs' ? ['nearest', 'bilinear'] : ['nearest', 'bilinear', 'bicubic'];
  if (!modes.includes(mode)) {
    throw new ExportError(`Layer "${name}" (UpSampling2D): interpolation "${mode}" is not supported for a ${writer} model (${modes.join(', ')}); ONNX Resize has no ${mode} mode`);
  }
  const roi = roiOptional ? '' : b.floatConstant(`${name}/roi`, [], [0], { keepFloat32: true });
  // Resize's scales are always float32, whatever the data type.
  const scales = b.floatConstant(`${name}/scales`, [1, 1, fh, fw], [4], { keepFloat32: true });
  const halfPixel = mode !== 'nearest' && writer !== 'tfjs';
  const attributes = [
    attr.s('mode', mode === 'nearest' ? 'nearest' : mode === 'bilinear' ? 'linear' : 'cubic'),
    attr.s('coordinate_transformation_mode', halfPixel ? 'half_pixel' : 'asymmetric'),
  ];
  if (mode === 'nearest') attributes.push(attr.s('nearest_mode', 'floor'));
  if (mode === 'bicubic') attributes.push(attr.f('cubic_coeff_a', -0.5), attr.i('exclude_outside', 1));
  const [h, w, c] = x.shape;
  const shape = [h === null ? null : h * fh, w === null ? null : w * fw, c];
  return [{ name: b.op('Resize', [x.name, roi, scales], attributes, name), shape }];
}

const v11: ConvertFn<UpSampling2DLayerConfig> = (ctx) => resize(ctx, false);
const v13: ConvertFn<UpSampling2DLayerConfig> = (ctx) => resize(ctx, true);

export const upSampling2DConverter: ConverterConfig<UpSampling2DLayerConfig> = { className: 'UpSampling2D', opsets: { 11: v11, 13: v13 } };
