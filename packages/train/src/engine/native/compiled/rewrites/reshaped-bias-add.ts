/**
 * Add(x, Reshape(b, [1, ..., 1, c])) -> BiasAdd(x, b).
 *
 * tfjs-layers adds a Conv2DTranspose's (and other 4-D layers') bias through `K.biasAdd`, which
 * reshapes the 1-D bias to [1, 1, 1, c] and broadcasts it in an `Add`; graph-def.ts already writes an
 * `Add` of a 1-D bias as `BiasAdd`. This catches the reshaped form: the same sums, and `BiasAdd` is
 * the op Keras's graph has there (its gradient then becomes BiasAddGrad, see sum-to-bias-add-grad.ts,
 * and grappler can fuse it with the op before it where TensorFlow has such a fusion).
 */
import { byName, controlInputs, dataInputs, nhwc, type RewriteGraph } from './nodes.ts';

/** Rewrites the matching `Add`/`AddV2` nodes in place; returns how many. */
export function reshapedBiasAdd(g: RewriteGraph): number {
  const named = byName(g.nodes);
  let count = 0;
  for (const n of g.nodes) {
    if (n.op !== 'Add' && n.op !== 'AddV2') continue;
    const [x, b] = dataInputs(n);
    const xs = x === undefined ? undefined : g.shapes.get(x);
    const bs = b === undefined ? undefined : g.shapes.get(b);
    const reshape = b === undefined ? undefined : named.get(b);
    if (xs === undefined || bs === undefined || reshape?.op !== 'Reshape' || b!.includes(':')) continue;
    const c = xs[xs.length - 1]!;
    const source = dataInputs(reshape)[0];
    const ss = source === undefined ? undefined : g.shapes.get(source);
    const ones = bs.length === xs.length && bs.slice(0, -1).every((d) => d === 1) && bs[bs.length - 1] === c;
    if (xs.length < 2 || xs.length > 4 || !ones || ss?.length !== 1 || ss[0] !== c) continue;
    n.op = 'BiasAdd';
    n.input = [x!, source!, ...controlInputs(n)];
    n.attr = { T: n.attr.T!, data_format: nhwc() };
    count++;
  }
  return count;
}
