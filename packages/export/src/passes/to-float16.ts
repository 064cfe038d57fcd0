/**
 * fp16 weights and compute: float initializers become FLOAT16 (except those that ONNX requires
 * float32, e.g. Resize scales), and Casts at the graph boundary keep the model's inputs and
 * outputs float32, so callers feed and read the same tensors at either precision.
 */
import { DataType, type GraphProto, type NodeProto } from '../proto/onnx-types.ts';
import { attr } from '../graph/attributes.ts';
import { float16Tensor, readFloatTensor } from '../graph/tensor.ts';
import { float32ToFloat16 } from '../graph/float16.ts';

export function toFloat16(graph: GraphProto, keepFloat32: ReadonlySet<string>): void {
  const inputNames = new Set(graph.input.map((i) => i.name));
  graph.initializer = graph.initializer.map((t) => {
    if (t.data_type !== DataType.FLOAT || keepFloat32.has(t.name ?? '') || inputNames.has(t.name ?? '')) return t;
    return float16Tensor(t.name ?? '', float32ToFloat16(readFloatTensor(t)), (t.dims ?? []).map(Number));
  });
  const rename = (from: string, to: string, except?: NodeProto) => {
    for (const n of graph.node) if (n !== except) n.input = n.input.map((i) => (i === from ? to : i));
  };
  const head: NodeProto[] = [];
  for (const input of graph.input) {
    if (input.type?.tensor_type?.elem_type !== DataType.FLOAT) continue;
    const half = `${input.name}/fp16`;
    rename(input.name, half);
    head.push({ input: [input.name], output: [half], name: `${input.name}/to_fp16`, op_type: 'Cast', attribute: [attr.i('to', DataType.FLOAT16)] });
  }
  const tail: NodeProto[] = [];
  for (const output of graph.output) {
    if (output.type?.tensor_type?.elem_type !== DataType.FLOAT) continue;
    const half = `${output.name}/fp16`;
    for (const n of graph.node) n.output = n.output.map((o) => (o === output.name ? half : o));
    rename(output.name, half);
    tail.push({ input: [half], output: [output.name], name: `${output.name}/to_fp32`, op_type: 'Cast', attribute: [attr.i('to', DataType.FLOAT)] });
  }
  graph.node = [...head, ...graph.node, ...tail];
}
