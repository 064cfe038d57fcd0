/**
 * Removes nodes no graph output depends on, then initializers nothing reads and graph inputs
 * nothing reads (except those in `keepInputs`: the model's declared inputs stay, used or not).
 */
import type { GraphProto } from '../proto/onnx-types.ts';
import { pruneInitializers } from './graph-index.ts';

export function pruneUnused(graph: GraphProto, keepInputs: ReadonlySet<string>): void {
  const needed = new Set(graph.output.map((o) => o.name));
  const kept = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const n = graph.node[i];
    if (!n.output.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const input of n.input) if (input) needed.add(input);
  }
  graph.node = kept.reverse();
  graph.input = graph.input.filter((i) => keepInputs.has(i.name) || needed.has(i.name));
  pruneInitializers(graph);
}
