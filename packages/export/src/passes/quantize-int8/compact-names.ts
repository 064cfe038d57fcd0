/**
 * Short tensor names for the int8 graph. QDQ repeats every tensor name on its QuantizeLinear,
 * DequantizeLinear and consumers, and the phase rewrites add long derived names
 * ("decoder_bn_5/p00/LeakyRelu:q"): in the faces decoder that was ~25 KB of names in a ~270 KB file,
 * more than the one int8 layer the phase-domain image layer needs. Node names keep the Keras layer
 * names (what a graph viewer shows), graph inputs and outputs keep theirs (what callers feed and
 * read); every other tensor and initializer becomes a short id.
 */
import type { GraphProto } from '../../proto/onnx-types.ts';

export function compactTensorNames(graph: GraphProto): void {
  const keep = new Set([...graph.input.map((i) => i.name), ...graph.output.map((o) => o.name)]);
  const names = new Map<string, string>();
  const short = (name: string) => {
    if (!name || keep.has(name)) return name;
    let s = names.get(name);
    if (s === undefined) {
      s = names.size.toString(36);
      // Never collide with a kept name.
      while (keep.has(s)) s = `_${s}`;
      names.set(name, s);
    }
    return s;
  };
  for (const t of graph.initializer) t.name = short(t.name ?? '');
  for (const n of graph.node) {
    n.input = n.input.map(short);
    n.output = n.output.map(short);
  }
  for (const v of graph.value_info ?? []) v.name = short(v.name);
}
