/**
 * Removes the layout Transposes that Flatten and Reshape put inside the graph, so the book models
 * transpose only at the graph boundary. Both are exact re-orderings of Dense weights:
 *
 *   Gemm/MatMul(+Add) -> [elementwise]* -> Reshape[0,H,W,C] -> Transpose(0,3,1,2)
 *     becomes Gemm with its output columns in (c, h, w) order -> [elementwise]* -> Reshape[0,C,H,W]
 *   Transpose(0,2,3,1) -> Flatten -> Gemm/MatMul (every consumer)
 *     becomes Flatten of the NCHW tensor -> Gemm with its input rows in (c, h, w) order
 */
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../proto/onnx-types.ts';
import { DataType } from '../proto/onnx-types.ts';
import { floatTensor, int64Tensor, readFloatTensor } from '../graph/tensor.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from '../layout.ts';
import { consumers, initializerMap, producer, pruneInitializers } from './graph-index.ts';

/** Ops that act on each element alone, so they commute with any re-ordering of features. */
const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Softplus', 'Softsign', 'HardSigmoid', 'Exp', 'Identity', 'Erf']);

const attrOf = (n: NodeProto, name: string): AttributeProto | undefined => n.attribute?.find((a) => a.name === name);
const isPerm = (n: NodeProto | undefined, perm: number[]) =>
  n?.op_type === 'Transpose' && JSON.stringify((attrOf(n, 'perm')?.ints ?? []).map(Number)) === JSON.stringify(perm);

function readInt64(t: TensorProto | undefined): number[] | undefined {
  if (!t || t.data_type !== DataType.INT64 || !t.raw_data) return undefined;
  const raw = t.raw_data;
  return Array.from(new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), Number);
}

/** Index in (h, w, c) order of the feature at position j of the (c, h, w) order. */
function hwcIndexOfChw(j: number, h: number, w: number, c: number): number {
  const ci = Math.floor(j / (h * w));
  const hi = Math.floor((j % (h * w)) / w);
  const wi = j % w;
  return hi * w * c + wi * c + ci;
}

interface Dense {
  /** The node holding the weight (Gemm or MatMul). */
  node: NodeProto;
  weight: TensorProto;
  /** Bias initializer and where it is wired (Gemm input 2, or the Add after a MatMul). */
  bias?: { tensor: TensorProto; node: NodeProto; index: number };
}

/** The Dense (Gemm, or MatMul + Add) whose final output is `tensor`, if it is one we can rewrite. */
function denseProducing(graph: GraphProto, inits: Map<string, TensorProto>, tensor: string): Dense | undefined {
  const p = producer(graph, tensor);
  if (!p) return undefined;
  if (p.op_type === 'Gemm') {
    if (attrOf(p, 'transA')?.i || attrOf(p, 'transB')?.i) return undefined;
    const weight = inits.get(p.input[1]);
    const bias = p.input[2] ? inits.get(p.input[2]) : undefined;
    if (!weight || (p.input[2] && !bias)) return undefined;
    return { node: p, weight, bias: bias ? { tensor: bias, node: p, index: 2 } : undefined };
  }
  if (p.op_type === 'MatMul') {
    const weight = inits.get(p.input[1]);
    return weight ? { node: p, weight } : undefined;
  }
  if (p.op_type === 'Add') {
    const k = p.input.findIndex((i) => producer(graph, i)?.op_type === 'MatMul');
    if (k < 0 || consumers(graph, p.input[k]).length !== 1) return undefined;
    const mm = producer(graph, p.input[k])!;
    const weight = inits.get(mm.input[1]);
    const bias = inits.get(p.input[1 - k]);
    if (!weight || !bias || (bias.dims ?? []).length !== 1) return undefined;
    return { node: mm, weight, bias: { tensor: bias, node: p, index: 1 - k } };
  }
  return undefined;
}

function replaceInitializer(graph: GraphProto, node: NodeProto, index: number, tensor: TensorProto): void {
  graph.initializer.push(tensor);
  node.input[index] = tensor.name ?? '';
}

/** Reorder the output columns of a Dense: new column j <- old column from(j). */
function permuteColumns(graph: GraphProto, d: Dense, from: (j: number) => number): void {
  const [k, n] = (d.weight.dims ?? []).map(Number);
  const w = readFloatTensor(d.weight);
  const out = new Float32Array(w.length);
  for (let r = 0; r < k; r++) for (let j = 0; j < n; j++) out[r * n + j] = w[r * n + from(j)];
  replaceInitializer(graph, d.node, 1, floatTensor(`${d.weight.name}/chw`, out, [k, n]));
  if (d.bias) {
    const b = readFloatTensor(d.bias.tensor);
    replaceInitializer(graph, d.bias.node, d.bias.index, floatTensor(`${d.bias.tensor.name}/chw`, Float32Array.from({ length: n }, (_, j) => b[from(j)]), [n]));
  }
}

/** Reorder the input rows of a Dense: new row i <- old row from(i). */
function permuteRows(graph: GraphProto, d: Dense, from: (i: number) => number): void {
  const [k, n] = (d.weight.dims ?? []).map(Number);
  const w = readFloatTensor(d.weight);
  const out = new Float32Array(w.length);
  for (let i = 0; i < k; i++) out.set(w.subarray(from(i) * n, from(i) * n + n), i * n);
  replaceInitializer(graph, d.node, 1, floatTensor(`${d.weight.name}/chw`, out, [k, n]));
}

function rename(graph: GraphProto, from: string, to: string): void {
  for (const n of graph.node) {
    n.input = n.input.map((i) => (i === from ? to : i));
    n.output = n.output.map((o) => (o === from ? to : o));
  }
}

/** `nhwcShapes`: [H, W, C] of the NHWC tensors the converters made (outputs of layout Transposes). */
export function foldLayoutTransposes(graph: GraphProto, nhwcShapes: ReadonlyMap<string, number[]>): number {
  const inits = initializerMap(graph);
  const outputs = new Set(graph.output.map((o) => o.name));
  const single = (t: string) => !outputs.has(t) && consumers(graph, t).length === 1;
  let folded = 0;

  // Dense -> [elementwise]* -> Reshape[0,H,W,C] -> Transpose to NCHW.
  for (const t of graph.node.filter((n) => isPerm(n, NHWC_TO_NCHW))) {
    const reshape = producer(graph, t.input[0]);
    if (reshape?.op_type !== 'Reshape' || !single(t.input[0])) continue;
    const shape = readInt64(inits.get(reshape.input[1]));
    if (!shape || shape.length !== 4 || shape[0] !== 0 || shape.slice(1).some((d) => d <= 0)) continue;
    let x = reshape.input[0];
    while (ELEMENTWISE.has(producer(graph, x)?.op_type ?? '') && single(x)) x = producer(graph, x)!.input[0];
    if (!single(x)) continue;
    const dense = denseProducing(graph, inits, x);
    const [h, w, c] = shape.slice(1);
    if (!dense || Number(dense.weight.dims?.[1]) !== h * w * c) continue;
    if (consumers(graph, dense.weight.name ?? '').length !== 1) continue;
    permuteColumns(graph, dense, (j) => hwcIndexOfChw(j, h, w, c));
    const newShape = int64Tensor(`${reshape.input[1]}/nchw`, [0, c, h, w]);
    replaceInitializer(graph, reshape, 1, newShape);
    graph.node = graph.node.filter((n) => n !== t);
    rename(graph, t.output[0], reshape.output[0]);
    folded++;
  }

  // Transpose to NHWC -> Flatten -> Dense consumers only.
  for (const t of graph.node.filter((n) => isPerm(n, NCHW_TO_NHWC))) {
    const hwc = nhwcShapes.get(t.output[0]);
    if (!hwc || !single(t.output[0])) continue;
    const flatten = consumers(graph, t.output[0])[0];
    if (flatten.op_type !== 'Flatten' || Number(attrOf(flatten, 'axis')?.i ?? 1) !== 1 || outputs.has(flatten.output[0])) continue;
    const users = consumers(graph, flatten.output[0]);
    const denses = users.map((u) => (u.input[0] === flatten.output[0] && (u.op_type === 'Gemm' || u.op_type === 'MatMul') ? denseConsumer(inits, u) : undefined));
    const [h, w, c] = hwc;
    if (!users.length || denses.some((d) => !d || Number(d.weight.dims?.[0]) !== h * w * c || consumers(graph, d.weight.name ?? '').length !== 1)) continue;
    for (const d of denses) permuteRows(graph, d!, (i) => hwcIndexOfChw(i, h, w, c));
    flatten.input[0] = t.input[0];
    graph.node = graph.node.filter((n) => n !== t);
    folded++;
  }
  if (folded) pruneInitializers(graph);
  return folded;
}

function denseConsumer(inits: Map<string, TensorProto>, n: NodeProto): Dense | undefined {
  if (n.op_type === 'Gemm' && (attrOf(n, 'transA')?.i || attrOf(n, 'transB')?.i)) return undefined;
  const weight = inits.get(n.input[1]);
  return weight && (weight.dims ?? []).length === 2 ? { node: n, weight } : undefined;
}
