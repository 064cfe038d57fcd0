/**
 * Sum over every axis but the last -> BiasAddGrad.
 *
 * tfjs's gradient of a broadcast bias addition (tfjs-core's add_grad) reduces dy [n, h, w, c] (or
 * [n, c]) with `Sum(dy, axes [0, 1, 2], keep_dims false)`; TensorFlow's own gradient of BiasAdd is
 * `BiasAddGrad(dy)` (tensorflow/python/ops/nn_grad.py `_BiasAddGrad`), the same sums by a kernel made
 * for the one reduction, which oneDNN's graph pass also fuses with the Conv2DBackpropFilter reading
 * the same dy into one `_MklConv2DBackpropFilterWithBias` (what Keras's graphs run). Only the float
 * summation order differs.
 */
import { byName, controlInputs, dataInputs, int32Values, nhwc, type RewriteGraph } from './nodes.ts';

/** Rewrites the matching `Sum` nodes in place; returns how many. */
export function sumToBiasAddGrad(g: RewriteGraph): number {
  const named = byName(g.nodes);
  let count = 0;
  for (const n of g.nodes) {
    if (n.op !== 'Sum' || n.attr.keep_dims?.b === true) continue;
    const [x, axesRef] = dataInputs(n);
    const shape = x === undefined ? undefined : g.shapes.get(x);
    const axes = axesRef === undefined ? undefined : int32Values(named.get(axesRef));
    if (shape === undefined || axes === undefined || shape.length < 2 || shape.length > 4) continue;
    const rank = shape.length;
    const allButLast = axes.length === rank - 1 && [...axes].every((a, i) => (a < 0 ? a + rank : a) === i);
    if (!allButLast) continue;
    n.op = 'BiasAddGrad';
    n.input = [x!, ...controlInputs(n)];
    n.attr = { T: n.attr.T!, data_format: nhwc() };
    count++;
  }
  return count;
}
