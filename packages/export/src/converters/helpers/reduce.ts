/**
 * ReduceMean and the normalization core built on it. ReduceMean's axes are an attribute up to
 * opset 17 and an input from 18: the converters pick the form in their per-opset versions.
 */
import type { GraphBuilder } from '../../graph/graph-builder.ts';
import { attr } from '../../graph/attributes.ts';

/** How ReduceMean receives its axes: 'attribute' (opsets 11-17) or 'input' (18+). */
export type AxesForm = 'attribute' | 'input';

export function reduceMean(b: GraphBuilder, x: string, axes: number[], form: AxesForm, base: string): string {
  if (form === 'input') return b.op('ReduceMean', [x, b.int64Constant(`${base}/axes`, axes)], [attr.i('keepdims', 1)], base);
  return b.op('ReduceMean', [x], [attr.ints('axes', axes), attr.i('keepdims', 1)], base);
}

/**
 * (x - mean) / sqrt(var + eps) over graph `axes` (mean and biased variance of x over them), or with
 * `rms` x / sqrt(mean(x^2) + eps): LayerNormalization's and GroupNormalization's core.
 */
export function normalizeOver(b: GraphBuilder, x: string, axes: number[], epsilon: number, form: AxesForm, base: string, rms = false): string {
  let centered = x;
  if (!rms) centered = b.op('Sub', [x, reduceMean(b, x, axes, form, `${base}/mean`)], [], base);
  const variance = reduceMean(b, b.op('Mul', [centered, centered], [], base), axes, form, `${base}/variance`);
  const std = b.op('Sqrt', [b.op('Add', [variance, b.floatConstant(`${base}/epsilon`, [epsilon], [])], [], base)], [], base);
  return b.op('Div', [centered, std], [], base);
}
