/** Global pooling over H and W of an image: [N, C, H, W] -> [N, C, 1, 1] (keepdims, Keras shape [1, 1, C]) or [N, C]. */
import type { ConvertContext, Sym } from '../../converter.ts';
import { attr } from '../../graph/attributes.ts';
import { requireChannelsLast } from '../../layout.ts';
import { ExportError } from '../../errors.ts';

export function globalPool(ctx: ConvertContext, op: 'GlobalAveragePool' | 'GlobalMaxPool'): Sym[] {
  const { b, layer, inputs } = ctx;
  const [x] = inputs;
  requireChannelsLast(layer.config.data_format as string | undefined, layer.name, layer.className);
  if (x.shape.length !== 3) throw new ExportError(`Layer "${layer.name}" (${layer.className}): expects an image input [H, W, C], received [${x.shape}]`);
  const pooled = b.op(op, [x.name], [], layer.name);
  const c = x.shape[2];
  if (layer.config.keepdims === true) return [{ name: pooled, shape: [1, 1, c] }];
  return [{ name: b.op('Flatten', [pooled], [attr.i('axis', 1)], layer.name), shape: [c] }];
}
