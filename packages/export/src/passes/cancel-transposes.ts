/**
 * Removes the layout Transposes that cancel out, as tf2onnx's TransposeOptimizer does
 * (tf2onnx/optimizer/transpose_optimizer.py), in the two forms the converters produce:
 *
 *   Transpose(p) -> Transpose(q)   becomes nothing when q undoes p, else one Transpose
 *   a region of elementwise ops (Relu, Add, Mul, swish's Sigmoid + Mul, ...) and Concats (axis
 *   renumbered) whose inputs are all
 *   Transpose(p) or scalars and whose readers are all Transpose(p^-1)
 *                                  becomes the same ops on the untransposed tensors
 *
 * Channels-first layers (channels-first.ts) leave such pairs between each other, and at an NHWC
 * graph boundary; after this pass a channels_first model transposes only where it meets a
 * channels_last layer. Exact: only the order of memory changes, never a value.
 */
import type { AttributeProto, GraphProto, NodeProto } from '../proto/onnx-types.ts';
import { attr } from '../graph/attributes.ts';
import { consumers, initializerMap, producer } from './graph-index.ts';

/** Ops computing each output element from the same element of each input (inputs broadcast). */
const ELEMENTWISE = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish',
  'Exp', 'Erf', 'Identity', 'Neg', 'Abs', 'Sqrt', 'Clip', 'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Sum', 'Mean', 'Pow',
]);

const permOf = (n: NodeProto): number[] => (n.attribute?.find((a: AttributeProto) => a.name === 'perm')?.ints ?? []).map(Number);
const isIdentity = (p: number[]) => p.every((v, i) => v === i);
/** Applying p then q equals one Transpose with perm compose(p, q)[i] = p[q[i]]. */
const compose = (p: number[], q: number[]) => q.map((i) => p[i]);
const inverse = (p: number[]) => p.map((_, i) => p.indexOf(i));
const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function replaceUses(graph: GraphProto, from: string, to: string): void {
  for (const n of graph.node) n.input = n.input.map((i) => (i === from ? to : i));
}

/** Drops Transposes whose output nothing reads any more. */
function dropDead(graph: GraphProto, outputs: Set<string>): void {
  for (let changed = true; changed; ) {
    changed = false;
    const read = new Set(graph.node.flatMap((n) => n.input));
    const before = graph.node.length;
    graph.node = graph.node.filter((n) => n.op_type !== 'Transpose' || read.has(n.output[0]) || outputs.has(n.output[0]));
    changed = graph.node.length !== before;
  }
}

/**
 * `second` (a Transpose reading `x` through `first`'s inverse) is no longer needed: its readers read
 * `x`. A graph output keeps its name: `x`'s producer is renamed to it when it may be, else `second`
 * becomes an Identity.
 */
function bypass(graph: GraphProto, second: NodeProto, x: string, outputs: Set<string>, inputs: Set<string>): void {
  const out = second.output[0];
  if (!outputs.has(out)) {
    replaceUses(graph, out, x);
    graph.node = graph.node.filter((n) => n !== second);
    return;
  }
  const p = producer(graph, x);
  if (p && !outputs.has(x) && !inputs.has(x)) {
    graph.node = graph.node.filter((n) => n !== second);
    p.output = p.output.map((o) => (o === x ? out : o));
    replaceUses(graph, x, out);
    return;
  }
  second.op_type = 'Identity';
  second.input = [x];
  delete second.attribute;
}

/** Elementwise ops, and Concat (its axis is renumbered when the region moves). */
const movable = (n: NodeProto) => (ELEMENTWISE.has(n.op_type) || n.op_type === 'Concat') && n.output.length === 1;

/**
 * The elementwise region around `seed` whose every outside input is a scalar or a Transpose(p) and
 * whose every reader outside it is a Transpose(p^-1) (none a graph output): computing the region on
 * the untransposed values gives the same elements, so both sets of Transposes can go. Undefined when
 * the region has no such boundary.
 */
function transposedRegion(graph: GraphProto, seed: NodeProto, p: number[], scalar: (t: string) => boolean, outputs: Set<string>) {
  const q = inverse(p);
  const region = new Set<NodeProto>([seed]);
  const entries = new Set<NodeProto>();
  const exits = new Set<NodeProto>();
  for (const queue = [seed]; queue.length; ) {
    const n = queue.pop()!;
    for (const i of n.input) {
      if (i === '' || scalar(i)) continue;
      const src = producer(graph, i);
      if (src?.op_type === 'Transpose' && same(permOf(src), p)) entries.add(src);
      else if (src && movable(src)) {
        if (!region.has(src)) region.add(src), queue.push(src);
      } else return undefined;
    }
    if (outputs.has(n.output[0])) return undefined;
    for (const r of consumers(graph, n.output[0])) {
      if (r.op_type === 'Transpose' && same(permOf(r), q)) exits.add(r);
      else if (movable(r)) {
        if (!region.has(r)) region.add(r), queue.push(r);
      } else return undefined;
    }
  }
  return exits.size ? { region, entries, exits } : undefined;
}

/** Runs both rewrites until nothing changes; returns how many Transposes were removed. */
export function cancelTransposes(graph: GraphProto): number {
  const outputs = new Set(graph.output.map((o) => o.name));
  const inputs = new Set(graph.input.map((i) => i.name));
  const before = graph.node.filter((n) => n.op_type === 'Transpose').length;
  for (let changed = true; changed; ) {
    changed = false;
    const inits = initializerMap(graph);
    const scalar = (t: string) => {
      const init = inits.get(t);
      return init !== undefined && (init.dims ?? []).length === 0;
    };
    for (const t of graph.node.filter((n) => n.op_type === 'Transpose')) {
      if (!graph.node.includes(t)) continue;
      const first = producer(graph, t.input[0]);
      // Transpose -> Transpose.
      if (first?.op_type === 'Transpose') {
        const p = compose(permOf(first), permOf(t));
        if (isIdentity(p)) bypass(graph, t, first.input[0], outputs, inputs);
        else {
          t.input = [first.input[0]];
          t.attribute = [attr.ints('perm', p)];
        }
        changed = true;
        continue;
      }
      // Transpose(p) -> elementwise ops -> Transpose(p^-1), seen from each Transpose(p).
      const p = permOf(t);
      const seed = consumers(graph, t.output[0]).find(movable);
      if (!seed || outputs.has(t.output[0])) continue;
      const found = transposedRegion(graph, seed, p, scalar, outputs);
      if (!found) continue;
      for (const n of found.region) {
        n.input = n.input.map((i) => {
          const src = i === '' ? undefined : producer(graph, i);
          return src && found.entries.has(src) ? src.input[0] : i;
        });
        // Axis a of the transposed tensor is axis p[a] of the untransposed one.
        const axis = n.op_type === 'Concat' ? n.attribute?.find((x) => x.name === 'axis') : undefined;
        if (axis) axis.i = p[(Number(axis.i) + p.length) % p.length];
      }
      for (const r of found.exits) bypass(graph, r, r.input[0], outputs, inputs);
      changed = true;
    }
    dropDead(graph, outputs);
  }
  return before - graph.node.filter((n) => n.op_type === 'Transpose').length;
}
