/** Shared by the MaxPooling2D and AveragePooling2D converters. */
import type { ConvertContext, Sym } from '../../converter.ts';
import { attr } from '../../graph/attributes.ts';
import type { Pooling2DLayerConfig } from '../../keras-format.ts';
import { convOutSize, pair, requireChannelsLast, samePadding } from '../../layout.ts';
import { ExportError } from '../../errors.ts';

export function pool2d(ctx: ConvertContext<Pooling2DLayerConfig>, opType: 'MaxPool' | 'AveragePool'): Sym[] {
  const { b, layer, inputs } = ctx;
  const [x] = inputs;
  const { config, name } = layer;
  requireChannelsLast(config.data_format, name, layer.className);
  if (x.shape.length !== 3) throw new ExportError(`Layer "${name}" (${layer.className}): expects an image input [H, W, C], received [${x.shape}]`);
  const [kh, kw] = pair(config.pool_size, 2, 'pool_size', name);
  const [sh, sw] = config.strides == null ? [kh, kw] : pair(config.strides, kh, 'strides', name);
  const padding = config.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ExportError(`Layer "${name}" (${layer.className}): padding "${padding}" is not supported (valid, same)`);
  const attributes = [attr.ints('kernel_shape', [kh, kw]), attr.ints('strides', [sh, sw])];
  const [h, w, c] = x.shape;
  if (padding === 'same' && (h === null || w === null)) {
    attributes.push(attr.s('auto_pad', 'SAME_UPPER'));
  } else if (padding === 'same') {
    const [pt, pb] = samePadding(h as number, kh, sh, 1);
    const [pl, pr] = samePadding(w as number, kw, sw, 1);
    attributes.push(attr.ints('pads', [pt, pl, pb, pr]));
  } else {
    attributes.push(attr.ints('pads', [0, 0, 0, 0]));
  }
  // TF averages over the real pixels only; ONNX's default count_include_pad = 0 agrees, written anyway.
  if (opType === 'AveragePool') attributes.push(attr.i('count_include_pad', 0));
  const shape = [convOutSize(h, kh, sh, 1, padding), convOutSize(w, kw, sw, 1, padding), c];
  return [{ name: b.op(opType, [x.name], attributes, name), shape }];
}
