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
 * - area (Keras only): TF's resize_area by an integer factor covers part of one input pixel per
 *   output pixel, so it repeats pixels: written as nearest (tested against Keras 3).
 * - lanczos3 / lanczos5 (Keras only): ONNX Resize has no Lanczos filter; TF's weights are fixed for
 *   a given size, so they are written as two MatMuls (lanczosResize; static H and W only).
 * Opset 11 needs an roi tensor; from 13 it may be omitted. Shapes [H, W, C] -> [H*fh, W*fw, C].
 * channels_first layers arrive here on their channels-last view (channels-first.ts).
 * @throws ExportError for an unknown interpolation, bicubic/area/lanczos in a tfjs model
 *   (tfjs-layers has none of them), or lanczos with a dynamic height or width.
 */
import type { ConverterConfig, ConvertFn, ConvertContext, Sym } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import type { UpSampling2DLayerConfig } from '../keras-format.ts';
import { pair, requireChannelsLast } from '../layout.ts';
import { ExportError } from '../errors.ts';
import { lanczosMatrix } from './helpers/lanczos.ts';

function resize(ctx: ConvertContext<UpSampling2DLayerConfig>, roiOptional: boolean): Sym[] {
  const { b, layer, inputs, writer } = ctx;
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, 'UpSampling2D');
  const [fh, fw] = pair(config.size, 2, 'size', name);
  // 'area' upsampling by an integer factor averages over a part of one input pixel: it repeats
  // pixels exactly as 'nearest' does (TF's resize_area; Keras has it, tfjs does not).
  const requested = config.interpolation ?? 'nearest';
  const mode = requested === 'area' && writer !== 'tfjs' ? 'nearest' : requested;
  const modes = writer === 'tfjs' ? ['nearest', 'bilinear'] : ['nearest', 'bilinear', 'bicubic', 'area', 'lanczos3', 'lanczos5'];
  if (!modes.includes(requested)) {
    throw new ExportError(`Layer "${name}" (UpSampling2D): interpolation "${requested}" is not supported for a ${writer} model (${modes.join(', ')})`);
  }
  if (mode === 'lanczos3' || mode === 'lanczos5') return [lanczosResize(ctx, x, fh, fw, mode === 'lanczos3' ? 3 : 5)];
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

/**
 * Lanczos upsampling as two MatMuls with TF's fixed weights (helpers/lanczos.ts): NCHW x [W, W']
 * along W, then [H', H] x that along H. Exact up to float rounding; needs static H and W.
 */
function lanczosResize(ctx: ConvertContext<UpSampling2DLayerConfig>, x: Sym, fh: number, fw: number, radius: 3 | 5): Sym {
  const { b, layer } = ctx;
  const [h, w, c] = x.shape;
  if (h === null || w === null) {
    throw new ExportError(`Layer "${layer.name}" (UpSampling2D): interpolation "lanczos${radius}" needs a static height and width (ONNX Resize has no Lanczos filter, so the exporter writes TF's weights as fixed matrices), received [${x.shape.map((d) => d ?? '?')}]; give the model's Input a full shape`);
  }
  const mw = lanczosMatrix(w, w * fw, radius); // [W', W]
  const mwT = new Float32Array(w * w * fw);
  for (let i = 0; i < w * fw; i++) for (let j = 0; j < w; j++) mwT[j * w * fw + i] = mw[i * w + j];
  const alongW = b.op('MatMul', [x.name, b.floatConstant(`${layer.name}/lanczos_w`, mwT, [w, w * fw])], [], layer.name);
  const mh = b.floatConstant(`${layer.name}/lanczos_h`, lanczosMatrix(h, h * fh, radius), [h * fh, h]);
  return { name: b.op('MatMul', [mh, alongW], [], layer.name), shape: [h * fh, w * fw, c] };
}

const v11: ConvertFn<UpSampling2DLayerConfig> = (ctx) => resize(ctx, false);
const v13: ConvertFn<UpSampling2DLayerConfig> = (ctx) => resize(ctx, true);

export const upSampling2DConverter: ConverterConfig<UpSampling2DLayerConfig> = { className: 'UpSampling2D', opsets: { 11: v11, 13: v13 } };
