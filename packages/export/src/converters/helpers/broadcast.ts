/**
 * Per-axis parameters (LayerNormalization's gamma, Normalization's mean, Rescaling's per-channel
 * scale, PReLU's alpha) as constants that broadcast against a tensor in the graph layout.
 */
import type { Sym } from '../../converter.ts';
import type { GraphBuilder } from '../../graph/graph-builder.ts';
import { isImage, NHWC_TO_NCHW } from '../../layout.ts';
import { permute } from '../../weights.ts';
import { ExportError } from '../../errors.ts';

/** Keras axes (negative allowed, batch = 0) -> sorted positive axes, excluding the batch axis. */
export function kerasAxes(axis: unknown, x: Sym, layer: string, className: string): number[] {
  const rank = x.shape.length + 1;
  const list = (Array.isArray(axis) ? axis : [axis ?? -1]).map(Number);
  const out = [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (out.some((a) => !Number.isInteger(a) || a < 1 || a >= rank)) {
    throw new ExportError(`Layer "${layer}" (${className}): axis ${JSON.stringify(axis)} is invalid for an input of rank ${rank} (the batch axis cannot be one)`);
  }
  return out;
}

/** Keras axis (1-based, batch excluded) -> the graph's axis (images are NCHW). */
export function graphAxis(x: Sym, kerasAxis: number): number {
  return isImage(x) ? NHWC_TO_NCHW.indexOf(kerasAxis) : kerasAxis;
}

/**
 * A constant holding `data` laid out over the Keras `axes` of `x` (data in Keras order, e.g. [C] for
 * the last axis of an image, or [H, W, C] for all of them), shaped to broadcast against `x` in the
 * graph layout (rank of x with the batch, size 1 on the other axes). A scalar stays a scalar.
 * @throws ExportError when data's length does not match the axes' sizes.
 */
export function broadcastConstant(b: GraphBuilder, data: Float32Array, x: Sym, axes: number[], base: string, what: string, layer: string): string {
  if (data.length === 1) return b.floatConstant(base, data, []);
  const rank = x.shape.length + 1;
  const kerasShape = Array.from({ length: rank }, (_, i) => (axes.includes(i) ? x.shape[i - 1] : 1));
  const expected = axes.reduce((n, a) => n * (x.shape[a - 1] ?? NaN), 1);
  if (kerasShape.some((d) => d === null) || expected !== data.length) {
    throw new ExportError(`Layer "${layer}": ${what} has ${data.length} value(s) but the input's axes ${JSON.stringify(axes)} of [${x.shape.map((d) => d ?? '?')}] need ${expected}`);
  }
  if (!isImage(x)) return b.floatConstant(base, data, kerasShape as number[]);
  const nchw = permute({ shape: kerasShape as number[], data }, NHWC_TO_NCHW);
  return b.floatConstant(base, nchw.data, nchw.shape);
}
