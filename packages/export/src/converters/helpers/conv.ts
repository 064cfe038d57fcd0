/**
 * The ONNX Conv node shared by Conv2D, DepthwiseConv2D and SeparableConv2D: explicit 'same' pads
 * computed as TF does (the odd pixel at the end), or auto_pad SAME_UPPER (the same rule) when H or W
 * is dynamic, as tf2onnx writes.
 */
import type { ConvertContext, Sym, WeightTensor } from '../../converter.ts';
import type { ConvLayerConfig } from '../../keras-format.ts';
import { attr } from '../../graph/attributes.ts';
import { convOutSize, pair, samePadding } from '../../layout.ts';
import { ExportError } from '../../errors.ts';

/** Kernel size, strides, dilations and padding of a Keras conv config, validated. */
export interface ConvGeometry {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: 'valid' | 'same';
}

export function convGeometry(ctx: ConvertContext<ConvLayerConfig>): ConvGeometry {
  const { config, name, className } = ctx.layer;
  const [x] = ctx.inputs;
  if (x.shape.length !== 3) throw new ExportError(`Layer "${name}" (${className}): expects an image input [H, W, C], received [${x.shape}]`);
  const padding = config.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ExportError(`Layer "${name}" (${className}): padding "${padding}" is not supported (valid, same)`);
  return {
    kernel: pair(config.kernel_size, 1, 'kernel_size', name),
    strides: pair(config.strides, 1, 'strides', name),
    dilations: pair(config.dilation_rate, 1, 'dilation_rate', name),
    padding,
  };
}

/**
 * One Conv node. `w` is the ONNX weight [out, in / group, kh, kw]; `bias` [out] or undefined.
 * Returns the NCHW output with its Keras shape [H', W', out].
 */
export function convNode(ctx: ConvertContext<ConvLayerConfig>, x: Sym, g: ConvGeometry, w: WeightTensor, bias: WeightTensor | undefined, group: number, base: string): Sym {
  const { b } = ctx;
  const channels = x.shape[2];
  if (channels !== null && w.shape[1] * group !== channels) {
    const { name, className } = ctx.layer;
    throw new ExportError(`Layer "${name}" (${className}): its kernel takes ${w.shape[1] * group} input channel(s) but its input has ${channels} (check the layer's data_format)`);
  }
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const inputs = [x.name, b.floatConstant(`${base}/kernel`, w.data, w.shape)];
  if (bias) inputs.push(b.floatConstant(`${base}/bias`, bias.data, bias.shape));
  const attributes = [attr.ints('kernel_shape', [kh, kw]), attr.ints('strides', [sh, sw]), attr.ints('dilations', [dh, dw]), attr.i('group', group)];
  const [h, wd] = x.shape;
  if (g.padding === 'same' && (h === null || wd === null)) {
    attributes.push(attr.s('auto_pad', 'SAME_UPPER')); // TF's SAME puts the odd pixel at the end, like SAME_UPPER
  } else if (g.padding === 'same') {
    const [pt, pb] = samePadding(h as number, kh, sh, dh);
    const [pl, pr] = samePadding(wd as number, kw, sw, dw);
    attributes.push(attr.ints('pads', [pt, pl, pb, pr]));
  } else {
    attributes.push(attr.ints('pads', [0, 0, 0, 0]));
  }
  return {
    name: b.op('Conv', inputs, attributes, base),
    shape: [convOutSize(h, kh, sh, dh, g.padding), convOutSize(wd, kw, sw, dw, g.padding), w.shape[0]],
  };
}
