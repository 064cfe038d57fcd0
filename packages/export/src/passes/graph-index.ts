/** Lookups over a finished GraphProto shared by the optimisation passes. */
import type { GraphProto, NodeProto, TensorProto } from '../proto/onnx-types.ts';

export function initializerMap(graph: GraphProto): Map<string, TensorProto> {
  return new Map(graph.initializer.map((t) => [t.name ?? '', t]));
}

export function consumers(graph: GraphProto, tensor: string): NodeProto[] {
  return graph.node.filter((n) => n.input.includes(tensor));
}

export function producer(graph: GraphProto, tensor: string): NodeProto | undefined {
  return graph.node.find((n) => n.output.includes(tensor));
}

/** Drop initializers no node reads and no graph input names. */
export function pruneInitializers(graph: GraphProto): void {
  const used = new Set<string>(graph.node.flatMap((n) => n.input));
  for (const i of graph.input) used.add(i.name);
  graph.initializer = graph.initializer.filter((t) => used.has(t.name ?? ''));
}
