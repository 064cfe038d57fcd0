/**
 * Keras activation names as ONNX nodes. `x` follows the graph layout (images NCHW), so the
 * Keras "last axis" of softmax is axis 1 for images.
 */
import type { Sym } from './converter.ts';
import type { GraphBuilder } from './graph/graph-builder.ts';
import { attr } from './graph/attributes.ts';
import { isImage, NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout.ts';
import { ExportError } from './errors.ts';

export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu',
  'softplus', 'softsign', 'swish', 'mish', 'gelu',
] as const;

/** tfjs serialises some activations by class name (camelCase); Keras uses snake_case. */
const ALIASES: Record<string, string> = { hardSigmoid: 'hard_sigmoid' };

export function applyActivation(b: GraphBuilder, activation: string | undefined | null, x: Sym, base: string, layer: string): Sym {
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
      // tfjs: clip(0.2 x + 0.5, 0, 1); ONNX HardSigmoid defaults are the same, written for clarity.
      return one('HardSigmoid', [attr.f('alpha', 0.2), attr.f('beta', 0.5)]);
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
      throw new ExportError(`Layer "${layer}": activation "${a}" is not supported. Supported: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
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
