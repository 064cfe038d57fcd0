/**
 * The rewrites applied to the compiled step's graph before TensorFlow sees it, in order (as
 * tf2onnx keeps its optimizers in one list, tf2onnx/optimizer/__init__.py). Each turns a pattern that
 * tfjs's op-by-op formulation leaves in the graph into the op Keras's graph has there, computing the
 * same sums, so that TensorFlow's dedicated kernels and grappler's / oneDNN's fusions apply. Each is
 * checked by training/compiled-step.test.ts (compiled steps equal eager steps) and counted in
 * rewrites.test.ts. Why each pays: packages/train/src/engine/README.md, "The compiled step".
 */
import type { RewriteGraph } from './nodes.ts';
import { reshapedBiasAdd } from './reshaped-bias-add.ts';
import { sumToBiasAddGrad } from './sum-to-bias-add-grad.ts';

/** A rewrite changes matching nodes of `g` in place and returns how many it changed. */
export type Rewrite = (g: RewriteGraph) => number;

/** The rewrites by name, in the order they run. */
export const REWRITES: readonly [string, Rewrite][] = [
  ['reshaped-bias-add', reshapedBiasAdd],
  ['sum-to-bias-add-grad', sumToBiasAddGrad],
];

/**
 * Runs every rewrite over the whole graph `g`, in place; returns how many nodes each changed.
 * LATENTKIT_GRAPH_REWRITES_OFF=name,... (read at each call) leaves the named rewrites out, for
 * measuring what each pays (bench/compiled-rewrites.ts).
 */
export function rewriteGraph(g: RewriteGraph): Record<string, number> {
  const off = new Set((process.env.LATENTKIT_GRAPH_REWRITES_OFF ?? '').split(',').filter(Boolean));
  const counts: Record<string, number> = {};
  for (const [name, rewrite] of REWRITES) if (!off.has(name)) counts[name] = rewrite(g);
  return counts;
}
