/**
 * Builds a TensorFlow GraphDef (graph.proto beside this file) from recorded eager ops (trace.ts) plus
 * the nodes a training step adds around them: resource variables (VarHandleOp, ReadVariableOp,
 * AssignVariableOp, ResourceApplyAdam), placeholders and constants. Node inputs name tensors as
 * TensorFlow does: "node" for output 0, "node:k" for output k, "^node" for a control dependency.
 *
 * Attribute encoding follows tfjs-node's binding (binding/tfjs_backend.cc AssignOpAttr): each
 * attribute is { name, type: TF_ATTR_*, value }, a list when `value` is an array; TF_DataType codes
 * equal the DataType enum of types.proto (DT_FLOAT 1, DT_INT32 3, DT_RESOURCE 20, ...).
 */
import type { TfBackend, TfOpAttr } from '../tf-ops.ts';
import type { Trace, TracedConstant } from './trace.ts';
import { TraceError } from './trace.ts';
import { rewriteGraph } from './rewrites/index.ts';

/** DataType values used here (types.proto). */
export const DT = { FLOAT: 1, INT32: 3, BOOL: 10, RESOURCE: 20 } as const;

export interface ShapeProto {
  dim?: { size: number }[];
  unknown_rank?: boolean;
}
export interface TensorProtoObject {
  dtype: number;
  tensor_shape: ShapeProto;
  tensor_content: Uint8Array;
}
export interface AttrValueObject {
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: ShapeProto;
  tensor?: TensorProtoObject;
  list?: { s?: Uint8Array[]; i?: number[]; f?: number[]; b?: boolean[]; type?: number[]; shape?: ShapeProto[] };
}
export interface NodeDefObject {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrValueObject>;
}

const shapeProto = (shape: readonly number[]): ShapeProto => ({ dim: shape.map((size) => ({ size })) });
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A tensor reference as a NodeDef input: "node" (output 0) or "node:k". */
export type TensorRef = string;
const outputRef = (node: string, k: number): TensorRef => (k === 0 ? node : `${node}:${k}`);

/** Attribute codes as the binding exposes them. */
interface AttrCodes {
  TF_ATTR_STRING: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
}

/** One binding attribute as an AttrValue. @throws TraceError for an attribute type a graph cannot hold here. */
function attrValue(codes: AttrCodes, a: TfOpAttr): AttrValueObject {
  const v = a.value;
  const list = Array.isArray(v);
  switch (a.type) {
    case codes.TF_ATTR_STRING:
      return list ? { list: { s: (v as string[]).map(utf8) } } : { s: utf8(v as string) };
    case codes.TF_ATTR_INT:
      return list ? { list: { i: v as number[] } } : { i: v as number };
    case codes.TF_ATTR_FLOAT:
      return list ? { list: { f: v as number[] } } : { f: v as number };
    case codes.TF_ATTR_BOOL:
      return list ? { list: { b: v as boolean[] } } : { b: v as boolean };
    case codes.TF_ATTR_TYPE:
      return list ? { list: { type: v as number[] } } : { type: v as number };
    case codes.TF_ATTR_SHAPE:
      return { shape: shapeProto(v as number[]) };
    default:
      throw new TraceError(`attribute "${a.name}" has type code ${a.type}, which the compiled step does not encode`);
  }
}

/** A tensor's values as TensorProto.tensor_content (little-endian, as TensorFlow reads it on x86 and arm64). */
function tensorProto(dtype: number, shape: readonly number[], values: Float32Array | Int32Array | Uint8Array): TensorProtoObject {
  return { dtype, tensor_shape: shapeProto(shape), tensor_content: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() };
}

/**
 * Whether an `Add` is a bias addition: x of rank 2-4 plus a 1-D bias as long as x's last axis (how
 * tfjs-layers adds Conv2D and Dense biases). As `BiasAdd` it computes the same sums, and grappler's
 * remapper can then fuse it into the convolution or matmul before it (Conv2D + BiasAdd + Relu ->
 * _FusedConv2D), as it does for Keras's graphs.
 */
function asBiasAdd(op: string, shapes: (readonly number[] | undefined)[]): boolean {
  if (op !== 'Add' && op !== 'AddV2') return false;
  const [x, b] = shapes;
  return x !== undefined && b !== undefined && x.length >= 2 && x.length <= 4 && b.length === 1 && b[0] === x[x.length - 1];
}

/**
 * ReluGrad(dy, features) and LeakyReluGrad(dy, features) take the activation's input x. For ReLU and a
 * leaky ReLU with alpha >= 0, the output y is > 0 exactly where x is, so the gradient is the same
 * given y; the graph passes y (as Keras's graphs do), which leaves x used by the activation alone, so
 * grappler can fuse Conv2D + BiasAdd + activation into one kernel.
 */
function nonNegativeAlpha(attrs: readonly TfOpAttr[]): boolean {
  const alpha = attrs.find((a) => a.name === 'alpha')?.value;
  return typeof alpha === 'number' && alpha >= 0;
}

/** A GraphDef under construction. Node names are unique; adding a name twice throws. */
export class GraphBuilder {
  readonly nodes: NodeDefObject[] = [];
  /** Static shapes of the tensors whose shape is known here (placeholders, traced ops' outputs, bound reads). */
  readonly shapes = new Map<TensorRef, readonly number[]>();
  private readonly names = new Set<string>();
  private readonly codes: AttrCodes;

  constructor(backend: TfBackend) {
    this.codes = backend.binding as unknown as AttrCodes;
  }

  /** Adds a node; returns its name. */
  node(name: string, op: string, input: TensorRef[], attr: Record<string, AttrValueObject> = {}): string {
    if (this.names.has(name)) throw new Error(`graph: node "${name}" added twice`);
    this.names.add(name);
    this.nodes.push({ name, op, input, attr });
    return name;
  }

  placeholder(name: string, dtype: number, shape: readonly number[]): TensorRef {
    this.shapes.set(name, shape);
    return this.node(name, 'Placeholder', [], { dtype: { type: dtype }, shape: { shape: shapeProto(shape) } });
  }

  constant(name: string, dtype: number, shape: readonly number[], values: Float32Array | Int32Array | Uint8Array): TensorRef {
    this.shapes.set(name, shape);
    return this.node(name, 'Const', [], { dtype: { type: dtype }, value: { tensor: tensorProto(dtype, shape, values) } });
  }

  scalar(name: string, value: number): TensorRef {
    return this.constant(name, DT.FLOAT, [], new Float32Array([value]));
  }

  /** A float32 resource variable of `shape`; `sharedName` must be unique in the process. */
  variable(name: string, shape: readonly number[], sharedName: string): TensorRef {
    return this.node(name, 'VarHandleOp', [], {
      dtype: { type: DT.FLOAT },
      shape: { shape: shapeProto(shape) },
      container: { s: utf8('') },
      shared_name: { s: utf8(sharedName) },
    });
  }

  read(name: string, handle: TensorRef, control: string[] = []): TensorRef {
    return this.node(name, 'ReadVariableOp', [handle, ...control.map((c) => `^${c}`)], { dtype: { type: DT.FLOAT } });
  }

  assign(name: string, handle: TensorRef, value: TensorRef, control: string[] = []): string {
    return this.node(name, 'AssignVariableOp', [handle, value, ...control.map((c) => `^${c}`)], { dtype: { type: DT.FLOAT } });
  }

  /**
   * Rewrites tfjs's op patterns into the ops Keras's graphs have there (rewrites/index.ts: the same
   * sums, TensorFlow's dedicated kernels and fusions). Call once, after the last node is added (a
   * rewrite looks at every consumer of a node). Returns the number of nodes each rewrite changed.
   */
  rewrite(): Record<string, number> {
    return rewriteGraph(this);
  }

  /**
   * `input` split along axis 0 into consecutive pieces of `sizes` rows (SplitV); one size: `input`
   * itself. Returns the pieces' references in order.
   */
  splitRows(name: string, input: TensorRef, sizes: readonly number[]): TensorRef[] {
    if (sizes.length === 1) return [input];
    const shape = this.shapes.get(input);
    const splits = this.constant(`${name}/sizes`, DT.INT32, [sizes.length], Int32Array.from(sizes));
    const axis = this.constant(`${name}/axis`, DT.INT32, [], Int32Array.of(0));
    this.node(name, 'SplitV', [input, splits, axis], { T: { type: DT.FLOAT }, Tlen: { type: DT.INT32 }, num_split: { i: sizes.length } });
    return sizes.map((rows, k) => {
      const ref = outputRef(name, k);
      if (shape) this.shapes.set(ref, [rows, ...shape.slice(1)]);
      return ref;
    });
  }

  /**
   * Σ weights[k] * values[k] of float32 tensors of one shape: `values[0]` itself for one value of
   * weight 1; (AddN of the values) * w when every weight is w (for two halves an exact halving);
   * otherwise AddN of the scaled values.
   */
  weightedSum(name: string, values: readonly TensorRef[], weights: readonly number[]): TensorRef {
    if (values.length === 1 && weights[0] === 1) return values[0]!;
    const T = { T: { type: DT.FLOAT } };
    const addN = (inputs: TensorRef[], node: string) => this.node(node, 'AddN', inputs, { ...T, N: { i: inputs.length } });
    if (weights.every((w) => w === weights[0])) {
      return this.node(name, 'Mul', [addN([...values], `${name}/sum`), this.scalar(`${name}/weight`, weights[0]!)], T);
    }
    return addN(values.map((v, k) => this.node(`${name}/scaled_${k}`, 'Mul', [v, this.scalar(`${name}/weight_${k}`, weights[k]!)], T)), name);
  }

  /** Identity of `value` that runs only after every node in `after` (how a fetch waits for updates). */
  identityAfter(name: string, value: TensorRef, after: string[]): TensorRef {
    return this.node(name, 'Identity', [value, ...after.map((c) => `^${c}`)], { T: { type: DT.FLOAT } });
  }

  /**
   * Adds the ops of `trace` under `prefix/`: op i becomes node `prefix/<i>_<Op>`, an upload becomes a
   * Const. `bound` gives the graph tensor for ids that existed before the trace (placeholders,
   * variable reads). Returns every traced tensor id's graph reference.
   * @throws TraceError for an input id that is neither bound, uploaded nor produced in the trace.
   */
  addTrace(prefix: string, trace: Trace, bound: ReadonlyMap<number, TensorRef>, boundShapes: ReadonlyMap<number, readonly number[]> = new Map()): Map<number, TensorRef> {
    const refs = new Map<number, TensorRef>(bound);
    const shapes = new Map<number, readonly number[]>(boundShapes);
    for (const [id, shape] of boundShapes) if (bound.has(id)) this.shapes.set(bound.get(id)!, shape);
    for (const c of trace.constants.values()) shapes.set(c.id, c.shape);
    for (const op of trace.ops) for (const o of op.outputs) shapes.set(o.id, o.shape);
    const constantRef = (c: TracedConstant): TensorRef => {
      const ref = this.constant(`${prefix}/const_${c.id}`, c.dtype, c.shape, c.values);
      refs.set(c.id, ref);
      return ref;
    };
    // Activation input id -> the activation's output, for the gradient rewrite below.
    const activated = new Map<number, TensorRef>();
    trace.ops.forEach((op, i) => {
      const input = op.inputs.map((id, k) => {
        if (k === 1 && (op.op === 'ReluGrad' || op.op === 'LeakyReluGrad') && activated.has(id)) return activated.get(id)!;
        const ref = refs.get(id);
        if (ref !== undefined) return ref;
        const c = trace.constants.get(id);
        if (c !== undefined) return constantRef(c);
        throw new TraceError(`${op.op} (op ${i} of the step) reads tensor ${id}, created before the step and not one of its inputs or variables`);
      });
      const attr: Record<string, AttrValueObject> = {};
      for (const a of op.attrs) attr[a.name] = attrValue(this.codes, a);
      const kind = asBiasAdd(op.op, op.inputs.map((id) => shapes.get(id))) ? 'BiasAdd' : op.op;
      if (kind === 'BiasAdd') attr.data_format = { s: utf8('NHWC') };
      const name = this.node(`${prefix}/${i}_${kind}`, kind, input, attr);
      op.outputs.forEach((o, k) => {
        refs.set(o.id, outputRef(name, k));
        this.shapes.set(outputRef(name, k), o.shape);
      });
      if (op.op === 'Relu' || (op.op === 'LeakyRelu' && nonNegativeAlpha(op.attrs))) activated.set(op.inputs[0]!, name);
    });
    return refs;
  }
}
