/**
 * Accumulates an ONNX graph: nodes, initializers, inputs and outputs, with unique names.
 * Converters add to it through ConvertContext; passes (BN folding, fp16) rewrite its result.
 */
import { DataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../proto/onnx-types.ts';
import { floatTensor, int64Tensor } from './tensor.ts';

/** A dimension: a size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

export function valueInfo(name: string, dims: Dim[], elemType: number = DataType.FLOAT): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  /** Initializers that must stay float32 under fp16 (e.g. Resize scales). */
  readonly keepFloat32 = new Set<string>();
  /** [H, W, C] of NHWC tensors made inside the graph (read by the transpose-folding pass). */
  readonly nhwcShapes = new Map<string, number[]>();
  private readonly used = new Set<string>();
  private readonly renamed = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** A name not used yet, derived from `base` (characters outside [A-Za-z0-9_./:-] become '_'). */
  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 't';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Reserve an exact name (graph inputs/outputs); throws if taken. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new RangeError(`ONNX tensor name "${name}" is already used in this graph`);
    this.used.add(name);
    return name;
  }

  /** Add a node; returns its output names (`outputs` is a count of fresh names or explicit names). */
  node(opType: string, inputs: string[], attributes: AttributeProto[] = [], base = opType, outputs: number | string[] = 1): string[] {
    const outNames = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => this.unique(outputs === 1 ? base : `${base}:${i}`)) : outputs;
    const node: NodeProto = { input: inputs, output: outNames, name: this.unique(`${base}/${opType}`), op_type: opType };
    if (attributes.length) node.attribute = attributes;
    this.nodes.push(node);
    return outNames;
  }

  /** Add a single-output node; returns the output name. */
  op(opType: string, inputs: string[], attributes: AttributeProto[] = [], base = opType): string {
    return this.node(opType, inputs, attributes, base)[0];
  }

  floatConstant(base: string, data: Float32Array | number[], dims: number[], options: { keepFloat32?: boolean } = {}): string {
    const name = this.unique(base);
    this.initializers.push(floatTensor(name, data instanceof Float32Array ? data : Float32Array.from(data), dims));
    if (options.keepFloat32) this.keepFloat32.add(name);
    return name;
  }

  int64Constant(base: string, values: number[], dims: number[] = [values.length]): string {
    const name = this.unique(base);
    this.initializers.push(int64Tensor(name, values, dims));
    return name;
  }

  /** Declare a graph input; `name` must have been reserved (see `reserve`). */
  addInput(name: string, dims: Dim[], elemType: number = DataType.FLOAT): string {
    this.inputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  /**
   * Make `tensor` a graph output called `name` (reserved earlier): renames the producing node's
   * output when it can, otherwise adds an Identity.
   */
  addOutput(tensor: string, name: string, dims: Dim[]): void {
    const current = this.renamed.get(tensor) ?? tensor;
    const producer = this.nodes.find((n) => n.output.includes(current));
    const isGraphValue = this.inputs.some((i) => i.name === current) || this.outputs.some((o) => o.name === current);
    if (!producer || isGraphValue) {
      this.node('Identity', [current], [], name, [name]);
    } else {
      producer.output = producer.output.map((o) => (o === current ? name : o));
      for (const n of this.nodes) n.input = n.input.map((i) => (i === current ? name : i));
      this.renamed.set(tensor, name);
    }
    this.outputs.push(valueInfo(name, dims));
  }

  build(name: string): GraphProto {
    return { node: this.nodes, name, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }
}
