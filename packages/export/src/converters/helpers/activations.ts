/**
 * Keras activation names as ONNX nodes. `x` follows the graph layout (images NCHW), so the
 * Keras "last axis" of softmax is axis 1 for images. Where frameworks differ, the writer decides:
 * hard_sigmoid is 0.2 x + 0.5 clipped in tfjs and Keras 2, relu6(x + 3) / 6 in Keras 3
 * (keras/src/activations/activations.py); Keras 3 saves `swish` as `silu`.
 */
import type { Sym } from '../../converter.ts';
import type { GraphBuilder } from '../../graph/graph-builder.ts';
import { attr } from '../../graph/attributes.ts';
import { isImage, NCHW_TO_NHWC, NHWC_TO_NCHW } from '../../layout.ts';
import { ExportError } from '../../errors.ts';
import type { ModelWriter } from '../../model-source.ts';

export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu',
  'softplus', 'softsign', 'swish', 'silu', 'mish', 'gelu', 'hard_silu', 'hard_swish', 'exponential',
  'leaky_relu', 'log_softmax',
] as const;

/** tfjs serialises some activations by class name (camelCase); Keras uses snake_case. */
const ALIASES: Record<string, string> = { hardSigmoid: 'hard_sigmoid', silu: 'swish', hard_swish: 'hard_silu', logSoftmax: 'log_softmax' };

/**
 * `activation` applied to `x` (graph layout), named after `base`; `writer` is the framework that
 * wrote the model (default tfjs).
 * @throws ExportError naming the layer for an activation without a converter.
 */
export function applyActivation(b: GraphBuilder, activation: string | undefined | null, x: Sym, base: string, layer: string, writer: ModelWriter = 'tfjs'): Sym {
  const a = ALIASES[activation ?? ''] ?? activation ?? 'linear';
  const name = (n: string) => ({ name: n, shape: x.shape });
  const one = (op: string, attributes = [] as ReturnType<typeof attr.f>[]) => name(b.op(op, [x.name], attributes, `${base}/${a}`));
  switch (a) {
    case 'linear':
      return x;
    case 'relu':
      return one('Relu');
    case 'sigmoid':
      return one('Sigmoid');
    case 'tanh':
      return one('Tanh');
    case 'elu':
      return one('Elu', [attr.f('alpha', 1)]);
    case 'selu':
      return one('Selu');
    case 'softplus':
      return one('Softplus');
    case 'softsign':
      return one('Softsign');
    case 'hard_sigmoid':
      // tfjs and Keras 2: clip(0.2 x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1).
      return one('HardSigmoid', [attr.f('alpha', writer === 'keras3' ? 1 / 6 : 0.2), attr.f('beta', 0.5)]);
    case 'hard_silu':
      // Keras 3: x * relu6(x + 3) / 6, which is ONNX HardSwish (opset 14); before, x * HardSigmoid(x / 6 + 0.5).
      if (b.opset >= 14) return one('HardSwish');
      return name(b.op('Mul', [x.name, b.op('HardSigmoid', [x.name], [attr.f('alpha', 1 / 6), attr.f('beta', 0.5)], `${base}/hard_silu`)], [], `${base}/hard_silu`));
    case 'exponential':
      return one('Exp');
    case 'leaky_relu':
      // keras.activations.leaky_relu's default negative_slope.
      return one('LeakyRelu', [attr.f('alpha', 0.2)]);
    case 'log_softmax':
      return logSoftmaxLastAxis(b, x, `${base}/log_softmax`);
    case 'relu6':
      return name(clip(b, x.name, 0, 6, `${base}/relu6`));
    case 'swish': {
      const s = b.op('Sigmoid', [x.name], [], `${base}/swish`);
      return name(b.op('Mul', [x.name, s], [], `${base}/swish`));
    }
    case 'mish': {
      const sp = b.op('Softplus', [x.name], [], `${base}/mish`);
      const t = b.op('Tanh', [sp], [], `${base}/mish`);
      return name(b.op('Mul', [x.name, t], [], `${base}/mish`));
    }
    case 'gelu': {
      // x * 0.5 * (1 + erf(x / sqrt(2))), as tfjs's Gelu.
      const scaled = b.op('Div', [x.name, b.floatConstant(`${base}/sqrt2`, [Math.SQRT2], [])], [], `${base}/gelu`);
      const erf = b.op('Erf', [scaled], [], `${base}/gelu`);
      const onePlus = b.op('Add', [erf, b.floatConstant(`${base}/one`, [1], [])], [], `${base}/gelu`);
      const half = b.op('Mul', [x.name, b.floatConstant(`${base}/half`, [0.5], [])], [], `${base}/gelu`);
      return name(b.op('Mul', [half, onePlus], [], `${base}/gelu`));
    }
    case 'softmax':
      return softmaxLastAxis(b, x, `${base}/softmax`);
    default:
      throw new ExportError(`Layer "${layer}": activation "${activation}" is not supported. Supported: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  }
}

/** Clip to [min, max] (min and max are inputs since opset 11, the lowest we write). */
export function clip(b: GraphBuilder, x: string, min: number, max: number, base: string): string {
  const lo = b.floatConstant(`${base}/min`, [min], []);
  const hi = b.floatConstant(`${base}/max`, [max], []);
  return b.op('Clip', [x, lo, hi], [], base);
}

/**
 * Softmax over the Keras last axis. From opset 13 Softmax takes a real axis; before, it flattens
 * to 2-D at `axis`, which is only right when the axis is the last one, so images go through NHWC.
 */
export function softmaxLastAxis(b: GraphBuilder, x: Sym, base: string): Sym {
  const rank = x.shape.length + 1;
  if (b.opset >= 13) {
    return { name: b.op('Softmax', [x.name], [attr.i('axis', isImage(x) ? 1 : rank - 1)], base), shape: x.shape };
  }
  if (!isImage(x)) return { name: b.op('Softmax', [x.name], [attr.i('axis', rank - 1)], base), shape: x.shape };
  const nhwc = b.op('Transpose', [x.name], [attr.ints('perm', NCHW_TO_NHWC)], base);
  const s = b.op('Softmax', [nhwc], [attr.i('axis', 3)], base);
  return { name: b.op('Transpose', [s], [attr.ints('perm', NHWC_TO_NCHW)], base), shape: x.shape };
}

/** LogSoftmax over the Keras last axis (graph axis 1 for images), with the same opset rules as softmaxLastAxis. */
export function logSoftmaxLastAxis(b: GraphBuilder, x: Sym, base: string): Sym {
  const rank = x.shape.length + 1;
  if (b.opset >= 13 || !isImage(x)) {
    return { name: b.op('LogSoftmax', [x.name], [attr.i('axis', isImage(x) ? 1 : rank - 1)], base), shape: x.shape };
  }
  const nhwc = b.op('Transpose', [x.name], [attr.ints('perm', NCHW_TO_NHWC)], base);
  const s = b.op('LogSoftmax', [nhwc], [attr.i('axis', 3)], base);
  return { name: b.op('Transpose', [s], [attr.ints('perm', NHWC_TO_NCHW)], base), shape: x.shape };
}
