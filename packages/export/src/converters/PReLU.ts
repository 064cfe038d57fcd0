/** PReLU: ONNX PRelu with Keras's alpha ([H, W, C] for images, 1 on shared axes) moved to the graph layout. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { isImage, NHWC_TO_NCHW } from '../layout.ts';
import { permute } from '../weights.ts';

const v9: ConvertFn = ({ b, layer, inputs, requireWeight }) => {
  const [x] = inputs;
  const alpha = requireWeight('alpha');
  // [H, W, C] -> [C, H, W]: the [N, C, H, W] input broadcasts against it.
  const slope = isImage(x) ? permute({ shape: [1, ...alpha.shape], data: alpha.data }, NHWC_TO_NCHW) : alpha;
  const shape = isImage(x) ? slope.shape.slice(1) : slope.shape;
  return [{ name: b.op('PRelu', [x.name, b.floatConstant(`${layer.name}/alpha`, slope.data, shape)], [], layer.name), shape: x.shape }];
};

export const pReLUConverter: ConverterConfig = { className: 'PReLU', opsets: { 9: v9 } };
