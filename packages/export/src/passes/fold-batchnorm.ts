/**
 * Folds an inference BatchNormalization into the Conv, ConvTranspose, Gemm or MatMul + Add feeding it:
 * W' = W * s (per output channel), b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps).
 * Only when the producer's output feeds nothing but the BN and every parameter is a constant.
 */
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../proto/onnx-types.ts';
import { floatTensor, readFloatTensor } from '../graph/tensor.ts';
import { consumers, initializerMap, producer, pruneInitializers } from './graph-index.ts';

const attrOf = (n: NodeProto, name: string): AttributeProto | undefined => n.attribute?.find((a) => a.name === name);

/** Returns the number of BatchNormalization nodes folded. */
export function foldBatchNorm(graph: GraphProto): number {
  const inits = initializerMap(graph);
  const outputs = new Set(graph.output.map((o) => o.name));
  let folded = 0;
  for (const bn of graph.node.filter((n) => n.op_type === 'BatchNormalization')) {
    const x = bn.input[0];
    if (outputs.has(x) || consumers(graph, x).length !== 1 || bn.output.length !== 1) continue;
    const params = bn.input.slice(1, 5).map((n) => inits.get(n));
    if (params.some((p) => !p)) continue;
    // The node holding the weight (`prod`) and the one whose output the BN reads (`last`).
    let prod = producer(graph, x);
    let last = prod;
    let biasSlot: { node: NodeProto; index: number } | undefined;
    if (prod?.op_type === 'Add') {
      // Dense without Gemm: MatMul(x, W) then Add(., b).
      const add = prod;
      const mmIndex = add.input.findIndex((i) => producer(graph, i)?.op_type === 'MatMul');
      const mm = mmIndex >= 0 ? producer(graph, add.input[mmIndex]) : undefined;
      if (!mm || consumers(graph, add.input[mmIndex]).length !== 1 || !inits.get(add.input[1 - mmIndex])) continue;
      prod = mm;
      last = add;
      biasSlot = { node: add, index: 1 - mmIndex };
    } else if (prod && ['Conv', 'ConvTranspose', 'Gemm'].includes(prod.op_type)) {
      biasSlot = { node: prod, index: 2 };
    } else {
      continue;
    }
    if (!prod || !last) continue;
    const weight = inits.get(prod.input[1]);
    const biasName = biasSlot.node.input[biasSlot.index];
    const bias = biasName ? inits.get(biasName) : undefined;
    if (!weight || (biasName && !bias)) continue;
    if (consumers(graph, prod.input[1]).length !== 1 || (biasName && consumers(graph, biasName).length !== 1)) continue;
    if (prod.op_type === 'Gemm' && (attrOf(prod, 'transB')?.i || attrOf(prod, 'alpha') || attrOf(prod, 'beta'))) continue;
    if (prod.op_type === 'ConvTranspose' && Number(attrOf(prod, 'group')?.i ?? 1) !== 1) continue;
    if (prod.op_type === 'MatMul' && (weight.dims ?? []).length !== 2) continue;

    const [gamma, beta, mean, variance] = params.map((p) => readFloatTensor(p as TensorProto));
    const eps = attrOf(bn, 'epsilon')?.f ?? 1e-5;
    const channels = gamma.length;
    const scale = new Float64Array(channels);
    for (let c = 0; c < channels; c++) scale[c] = gamma[c] / Math.sqrt(variance[c] + eps);

    const w = readFloatTensor(weight);
    const dims = (weight.dims ?? []).map(Number);
    // Which axis of W is the output channel: Conv [M, C, kh, kw] -> 0; ConvTranspose [C, M, kh, kw], Gemm and MatMul [K, N] -> 1.
    const axis = prod.op_type === 'Conv' ? 0 : 1;
    if (dims[axis] !== channels) continue;
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) out[i] = w[i] * scale[Math.floor(i / inner) % channels];
    const oldBias = bias ? readFloatTensor(bias) : new Float32Array(channels);
    const newBias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) newBias[c] = (oldBias[c] - mean[c]) * scale[c] + beta[c];

    const wName = `${weight.name}/bn_folded`;
    const bName = `${bias?.name ?? prod.input[1]}/bn_folded_bias`;
    graph.initializer.push(floatTensor(wName, out, dims), floatTensor(bName, newBias, [channels]));
    prod.input = [prod.input[0], wName, ...prod.input.slice(2)];
    if (biasSlot.node === prod) prod.input[2] = bName;
    else biasSlot.node.input[biasSlot.index] = bName;
    last.output = last.output.map((o) => (o === x ? bn.output[0] : o));
    graph.node = graph.node.filter((n) => n !== bn);
    folded++;
  }
  if (folded) pruneInitializers(graph);
  return folded;
}
